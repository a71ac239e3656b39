import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { migrate } from '../../electron/core/db/migrate';
import { LiveState } from '../../electron/core/live-state';
import { parseDevicePayload } from '../../electron/core/payload';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
});
afterEach(async () => {
  await db.drop();
});

describe('live state loaded after a restart', () => {
  it('rebuilds the last hour sparkline from the snapshots and this month from the rollups, and says "measuring"', async () => {
    const now = Date.parse('2026-11-27T15:30:00Z');
    const recorder = new CycleRecorder(db.pool);
    const poll = (minutesAgo: number, rx: bigint, uptime: number) =>
      recorder.record(
        parseDevicePayload([
          { name: 'Gateway', mac: 'AA:00:00:00:00:01', rx_bytes: rx, tx_bytes: 0, uptime },
        ]).devices,
        new Date(now - minutesAgo * 60_000),
      );
    await poll(90, 1_000n, 100); // outside the hour: only a baseline for the next one
    await poll(50, 1_000n + 300_000_000n, 2500); // 300 MB in 40 min: 1 Mbps
    await poll(10, 1_000n + 600_000_000n, 4900); // 300 MB in 40 min: 1 Mbps
    await poll(5, 0n, 10); // a reboot: nothing counted, no sample

    const live = new LiveState('UTC');
    await live.load(db.pool, new Date(now));
    const [router] = live.routerList(new Date(now));
    expect(router?.measuring).toBe(true);
    const measured = (router?.sparkline ?? []).filter((v): v is number => v !== null);
    expect(measured).toHaveLength(2);
    for (const mbps of measured) expect(mbps).toBeCloseTo(1, 9);
    expect(router?.monthRxBytes).toBe('600000000');
  });
});
