import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { describeMysqlError } from '../../electron/core/db/connection';
import { migrate } from '../../electron/core/db/migrate';
import { type CycleOutcome, Poller } from '../../electron/core/poller';
import { createSeedApiSource } from '../../electron/core/sources/seed-api-source';
import type { DeviceReading } from '../../shared/types';
import { designPayload, LIVING_ROOM_COUNTERS } from '../support/design-timeline';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

/** A real recorder whose writes wait at a gate the test opens, one write at a time. */
class GatedRecorder extends CycleRecorder {
  readonly events: string[] = [];
  private gates: Array<() => void> = [];
  private writes = 0;

  override async record(...args: Parameters<CycleRecorder['record']>) {
    const n = ++this.writes;
    this.events.push(`write ${n} waits`);
    await new Promise<void>((open) => this.gates.push(open));
    const cycle = await super.record(...args);
    this.events.push(`write ${n} committed`);
    return cycle;
  }

  get waiting(): number {
    return this.gates.length;
  }

  open(): void {
    this.gates.shift()?.();
  }
}

let db: TestDatabase;
let server: DeviceServer;

beforeEach(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
});
afterEach(async () => {
  await server?.close();
  await db.drop();
});

describe('the next poll is fetched while the cycle before it is written', () => {
  it('overlaps one fetch with one write, writes in poll order and counts every byte once', async () => {
    const recorder = new GatedRecorder(db.pool);
    server = await startDeviceServer((n) => {
      recorder.events.push(`fetch ${n + 1}`);
      // The second poll has a bad device: its line must come after the first cycle's lines.
      const devices = designPayload(n);
      return {
        devices: n === 1 ? [...devices, { name: 'Broken', mac: 'AA:BB:CC:DD:EE:09' }] : devices,
      };
    });
    const lines: string[] = [];
    const outcomes: CycleOutcome[] = [];
    const poller = new Poller({
      source: createSeedApiSource({ apiUrl: server.url, timeoutMs: 2_000 }),
      recorder,
      intervalMs: 1,
      describeDatabaseError: (error) => describeMysqlError(error, db.settings),
      log: (entry) => lines.push(...entry.split('\n')),
      onCycle: (outcome) => outcomes.push(outcome),
    });
    const running = poller.run({ cycles: LIVING_ROOM_COUNTERS.length });

    // Poll 2 is fetched while write 1 waits; poll 3 is not, until write 1 is done.
    await until('poll 2 is fetched', () => recorder.events.includes('fetch 2'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(recorder.events).toEqual(['fetch 1', 'write 1 waits', 'fetch 2']);
    expect(server.requests).toBe(2);
    for (let write = 1; write <= LIVING_ROOM_COUNTERS.length; write += 1) {
      await until('a write waits', () => recorder.waiting > 0);
      recorder.open();
    }
    expect(await running).toBe(LIVING_ROOM_COUNTERS.length);

    expect(outcomes.map((o) => o.kind)).toEqual(LIVING_ROOM_COUNTERS.map(() => 'recorded'));
    const committed = recorder.events.filter((e) => e.includes('committed'));
    expect(committed).toEqual(LIVING_ROOM_COUNTERS.map((_, i) => `write ${i + 1} committed`));
    // Never a second fetch ahead: poll n+2 only after write n committed.
    for (let n = 1; n + 2 <= LIVING_ROOM_COUNTERS.length; n += 1) {
      expect(recorder.events.indexOf(`fetch ${n + 2}`)).toBeGreaterThan(
        recorder.events.indexOf(`write ${n} committed`),
      );
    }

    // Log lines in poll order: the first cycle's summary before the second poll's skipped device.
    const firstSummary = lines.findIndex((l) => l.includes('📈 Updated bandwidth tracking'));
    const skipped = lines.findIndex((l) => l.includes('⚠️ Skipped Broken'));
    expect(firstSummary).toBeGreaterThanOrEqual(0);
    expect(skipped).toBeGreaterThan(firstSummary);

    // The design's timeline, counted exactly once: +1 MB/+500 KB, +2 MB/+1 MB, reboot, +500 KB/+300 KB.
    const [rows] = await db.pool.query(
      "SELECT SUM(s.rx_bytes_diff) AS rx, SUM(s.tx_bytes_diff) AS tx, COUNT(*) AS n FROM bandwidth_snapshots s JOIN routers r ON r.id = s.router_id WHERE r.name = 'Living Room AP'",
    );
    const [sums] = rows as Array<{ rx: string; tx: string; n: number }>;
    expect(Number(sums?.n)).toBe(LIVING_ROOM_COUNTERS.length);
    expect(BigInt(sums?.rx ?? -1)).toBe(1_000_000n + 2_000_000n + 500_000n);
    expect(BigInt(sums?.tx ?? -1)).toBe(500_000n + 1_000_000n + 300_000n);
  });

  it('pollOnce still writes before it returns', async () => {
    const recorder = new CycleRecorder(db.pool);
    server = await startDeviceServer((n) => ({ devices: designPayload(n) }));
    const seen: Array<readonly DeviceReading[]> = [];
    const poller = new Poller({
      source: createSeedApiSource({ apiUrl: server.url, timeoutMs: 2_000 }),
      recorder,
      intervalMs: 1,
      describeDatabaseError: (error) => describeMysqlError(error, db.settings),
      log: () => {},
      afterCommit: async (_cycle, devices) => {
        seen.push(devices);
      },
    });
    expect((await poller.pollOnce()).kind).toBe('recorded');
    expect(seen).toHaveLength(1);
    expect(server.requests).toBe(1);
  });
});
