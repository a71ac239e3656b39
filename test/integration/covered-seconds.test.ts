import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { migrate } from '../../electron/core/db/migrate';
import { queryHistory } from '../../electron/core/history-query';
import { parseDevicePayload } from '../../electron/core/payload';
import { historySeries } from '../../shared/history-series';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
});
afterEach(async () => {
  await db.drop();
});

const device = (mac: string, rx: bigint, tx: bigint, uptime: number) => ({
  name: mac,
  mac,
  rx_bytes: rx,
  tx_bytes: tx,
  uptime,
});

async function poll(
  recorder: CycleRecorder,
  at: Date,
  devices: ReturnType<typeof device>[],
): Promise<void> {
  await recorder.record(parseDevicePayload(devices).devices, at);
}

describe('covered seconds in the rollups (migration 008)', () => {
  it('makes the average rate bytes ÷ the seconds the polls covered, not ÷ the whole hour', async () => {
    // Monitoring starts at 15:06 in an hour with real traffic of 200 Mbps (25 MB/s).
    const start = Date.parse('2026-11-27T15:06:00Z');
    // Hours up to 15:00 folded: the 15:xx hour is live, folded by the first cycle after it.
    await db.pool.query("UPDATE rollup_state SET daily_through = '2026-11-27 15:00:00'");
    const recorder = new CycleRecorder(db.pool);
    const a = 'AA:BB:CC:00:00:01';
    const b = 'AA:BB:CC:00:00:02';
    const rate = 25_000_000n;
    await poll(recorder, new Date(start), [
      device(a, 10n ** 9n, 0n, 1000),
      device(b, 0n, 0n, 1000),
    ]);
    // Router a polled 30 s and 60 s later; router b only at 60 s (a missed poll), and it
    // reboots at the second one: its discarded traffic covers nothing.
    await poll(recorder, new Date(start + 30_000), [device(a, 10n ** 9n + 30n * rate, 0n, 1030)]);
    await poll(recorder, new Date(start + 60_000), [
      device(a, 10n ** 9n + 60n * rate, 0n, 1060),
      device(b, 5n, 0n, 5),
    ]);
    // A poll stamped with a fraction of a second.
    await poll(recorder, new Date(start + 60_500), [
      device(a, 10n ** 9n + 60n * rate + rate / 2n, 0n, 1060),
    ]);

    const hourly = await db.rows<{ mac: string; covered: string; resets: number; samples: number }>(
      `SELECT r.mac_address AS mac, h.covered_seconds AS covered, h.resets, h.samples
         FROM bandwidth_hourly h JOIN routers r ON r.id = h.router_id ORDER BY r.mac_address`,
    );
    expect(hourly.map((h) => [h.mac, h.covered, Number(h.resets), Number(h.samples)])).toEqual([
      [a, '60.500', 0, 4],
      [b, '0.000', 1, 2],
    ]);

    const now = new Date(start + 61_000);
    const result = await queryHistory(
      db.pool,
      { range: 'day', routerIds: [], timeZone: 'UTC' },
      now,
    );
    const series = historySeries(result, 'UTC');
    const last = series.bucketStarts.length - 1;
    expect(series.bucketStarts[last]).toBe('2026-11-27T15:00:00.000Z');
    // 25 MB/s for 60.5 s, divided by the 60.5 s measured: 200 Mbps, not 200 × 60.5 / 3600.
    expect(series.averageMbps[last]).toBeCloseTo(200, 6);
    // Hours before monitoring began are gaps, not 0 Mbps.
    expect(series.averageMbps.slice(0, last).every((v) => v === null)).toBe(true);
    expect(series.monitored.slice(0, last).every((v) => !v)).toBe(true);
    const bBucket = result.buckets.find((x) => x.routerId !== result.buckets[0]?.routerId);
    expect(bBucket?.coveredSeconds).toBe(0);

    // The finished hour folds into the daily and monthly rollups with its covered seconds (the
    // new hour's cycle stays hourly until that hour is folded in turn).
    await poll(recorder, new Date(start + 3_600_000), [
      device(a, 10n ** 9n + 61n * rate, 0n, 4660),
    ]);
    const daily = await db.rows<{ covered: string }>(
      `SELECT d.covered_seconds AS covered FROM bandwidth_daily d JOIN routers r ON r.id = d.router_id
        WHERE r.mac_address = ?`,
      [a],
    );
    const monthly = await db.rows<{ covered: string }>(
      `SELECT m.covered_seconds AS covered FROM bandwidth_monthly m JOIN routers r ON r.id = m.router_id
        WHERE r.mac_address = ?`,
      [a],
    );
    expect(daily.map((d) => d.covered)).toEqual(['60.500']);
    expect(monthly.map((m) => m.covered)).toEqual(['60.500']);

    // A cycle recorded late, for an hour already folded, adds its covered seconds directly.
    await db.pool.query("UPDATE rollup_state SET daily_through = '2026-11-27 18:00:00'");
    await poll(recorder, new Date(start + 3_630_000), [
      device(a, 10n ** 9n + 62n * rate, 0n, 4690),
    ]);
    const [late] = await db.rows<{ covered: string }>(
      `SELECT d.covered_seconds AS covered FROM bandwidth_daily d JOIN routers r ON r.id = d.router_id
        WHERE r.mac_address = ?`,
      [a],
    );
    expect(late?.covered).toBe('90.500');
  });
});
