// Live updates with thousands of routers: what each cycle sends the pages stays bounded, and
// the rows a page asks for carry the same figures as the full state.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BandwidthService } from '../../electron/core/bandwidth-service';
import { parseDevicePayload } from '../../electron/core/payload';
import type { DeviceSource } from '../../electron/core/sources/device-source';
import { type CycleEvent, LIVE_EVENT_ROUTERS } from '../../shared/ipc-contract';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

/** `count` routers whose counters grow by 1,000 × (index + 1) bytes a poll. */
function growing(count: number): DeviceSource {
  let poll = 0;
  return {
    description: 'growing routers',
    async fetchDevices() {
      poll += 1;
      const list = Array.from({ length: count }, (_, i) => ({
        name: `AP ${i}`,
        mac: `02:00:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
        rx_bytes: 5_000_000_000 + poll * 1_000 * (i + 1),
        tx_bytes: 2_000_000_000 + poll * 500 * (i + 1),
      }));
      return parseDevicePayload(list);
    },
  };
}

async function run(count: number, cycles: number) {
  const service = new BandwidthService({
    settings: { apiUrl: 'http://unused', intervalMs: 10, timeoutMs: 1_000, mysql: db.settings },
    createSource: () => growing(count),
    singleWriter: false,
    quiet: true,
    log: () => {},
  });
  const events: Array<{ event: CycleEvent; bytes: number }> = [];
  service.on('cycleCompleted', (event) =>
    events.push({ event, bytes: Buffer.byteLength(JSON.stringify(event)) }),
  );
  await service.run({ cycles, signal: new AbortController().signal });
  return { service, events };
}

describe('live updates', () => {
  it('sends 10,000 routers’ cycles in a bounded event, and the rows asked for carry the full figures', async () => {
    const { service, events } = await run(10_000, 3);
    expect(events).toHaveLength(3);
    for (const { event, bytes } of events) {
      expect(event.routers).toEqual([]);
      expect(event.omittedRouters).toBe(10_000);
      // Totals and their sparkline only: a few hundred bytes, whatever the number of routers
      // (the routers' rows were 5.9 MB a cycle).
      expect(bytes).toBeLessThan(2_000);
    }
    // Two counted cycles: 1,000 × (i + 1) bytes each (the first poll is the baseline).
    const last = events.at(-1)?.event;
    const state = service.getState();
    expect(state.routers).toHaveLength(10_000);
    const byName = new Map(state.routers.map((r) => [r.name, r]));
    const shown = ['AP 0', 'AP 4999', 'AP 9999'].map((name) => byName.get(name)?.id ?? 0);
    const rows = service.routerViews(shown);
    expect(rows.map((r) => r.name)).toEqual(['AP 0', 'AP 4999', 'AP 9999']);
    expect(rows.map((r) => r.todayRxBytes)).toEqual(['2000', '10000000', '20000000']);
    expect(rows.map((r) => r.todayTxBytes)).toEqual(['1000', '5000000', '10000000']);
    expect(rows.map((r) => r.freshness)).toEqual(['fresh', 'fresh', 'fresh']);
    // The same figures as the full state has for them.
    expect(rows).toEqual(shown.map((id) => state.routers.find((r) => r.id === id)));
    // The headline still covers every router: sum of 2 × 1,000 × (i + 1) over 10,000 routers.
    expect(last?.totals.todayRxBytes).toBe(String(2 * 1_000 * ((10_000 * 10_001) / 2)));
    // The tray's state each cycle: the same totals, without a list of every router.
    const tray = service.getState({ routers: false });
    expect(tray.routers).toEqual([]);
    expect(tray.totals).toEqual(state.totals);
  }, 120_000);

  it(`lists the routers themselves up to ${LIVE_EVENT_ROUTERS}`, async () => {
    const { events } = await run(3, 2);
    const last = events.at(-1)?.event;
    expect(last?.omittedRouters).toBeUndefined();
    expect(last?.routers.map((r) => [r.name, r.todayRxBytes])).toEqual([
      ['AP 0', '1000'],
      ['AP 1', '2000'],
      ['AP 2', '3000'],
    ]);
  });
});
