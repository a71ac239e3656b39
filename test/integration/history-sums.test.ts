// The history's light answer (`detail: 'sums'`): per-bucket sums for every requested router and
// for the edge routers, without each router's buckets (a day of 10,000 routers is 240,000 of
// them, 34 MB). The page draws the same figures from it as from the full answer, and the full
// answer (Export CSV) still holds every router's exact bytes. Real MariaDB, the app's query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/db/migrate';
import { queryHistory } from '../../electron/core/history-query';
import { historyCsv } from '../../shared/csv';
import { anyMeasured, historySeries } from '../../shared/history-series';
import type { HistoryRequest } from '../../shared/ipc-contract';
import { checkCallArgs } from '../../shared/ipc-validation';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const ROUTERS = 600;
const HOURS = 12;
const NOW = new Date('2026-11-27T12:30:00.000Z');
/** Router 1 (an edge router) counts 2^53 + 1 bytes an hour: its sums pass 2^53. */
const HUGE = 9_007_199_254_740_993n;
const EDGE = [1, 2, 3, 4, 5];
/** Polled but never counted (a baseline only): monitored, no traffic, no covered seconds. */
const BASELINE_ONLY = 600;

let db: TestDatabase;
/** Expected per router: rx and tx over the range, summed independently of the app. */
const expected = new Map<number, { rx: bigint; tx: bigint }>();

function rxOf(id: number, hour: number): bigint {
  if (id === 1) return HUGE;
  if (id === BASELINE_ONLY) return 0n;
  return BigInt(id) * 1_000_003n * BigInt(hour + 1);
}
function txOf(id: number, hour: number): bigint {
  if (id === BASELINE_ONLY) return 0n;
  return BigInt(id) * 7_919n + BigInt(hour);
}

beforeAll(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
  const routers = Array.from({ length: ROUTERS }, (_, i) => [
    i + 1,
    `Router ${i + 1}`,
    `02:00:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
  ]);
  await db.pool.query('INSERT INTO routers (id, name, mac_address) VALUES ?', [routers]);
  await db.pool.query("UPDATE routers SET source_role = 'edge' WHERE id IN (?)", [EDGE]);
  await db.pool.query("UPDATE routers SET source_role = 'inside' WHERE id NOT IN (?)", [EDGE]);
  const rows: unknown[][] = [];
  for (let id = 1; id <= ROUTERS; id += 1) {
    let rx = 0n;
    let tx = 0n;
    for (let hour = 0; hour < HOURS; hour += 1) {
      // Router 7 was not polled in hour 3: a gap for it, not a zero.
      if (id === 7 && hour === 3) continue;
      const start = new Date(Date.UTC(2026, 10, 27, hour));
      rx += rxOf(id, hour);
      tx += txOf(id, hour);
      rows.push([
        start,
        id,
        String(rxOf(id, hour)),
        String(txOf(id, hour)),
        id % 50 === 0 && hour === 5 ? 1 : 0,
        id === BASELINE_ONLY ? 0 : 3600,
        1200,
      ]);
    }
    expected.set(id, { rx, tx });
  }
  await db.pool.query(
    'INSERT INTO bandwidth_hourly (hour_start, router_id, rx_bytes, tx_bytes, resets, covered_seconds, samples) VALUES ?',
    [rows],
  );
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

const ALL: HistoryRequest = { range: 'day', routerIds: [], timeZone: 'UTC' };

describe(`history sums at ${ROUTERS} routers`, () => {
  it('carries no per-router buckets, and the page draws the same figures from it', async () => {
    for (const timeZone of ['UTC', 'Asia/Kolkata']) {
      const full = await queryHistory(db.pool, { ...ALL, timeZone }, NOW);
      const light = await queryHistory(db.pool, { ...ALL, timeZone, detail: 'sums' }, NOW);
      expect(full.buckets.length).toBeGreaterThanOrEqual(ROUTERS * (HOURS - 1));
      expect(full.sums).toBeUndefined();
      expect(light.buckets).toEqual([]);
      expect(light.sums).toBeDefined();
      // The table, the markers, the note: unchanged.
      for (const key of ['summary', 'reboots', 'routers', 'edge', 'bucketStarts'] as const)
        expect(light[key]).toEqual(full[key]);
      expect(JSON.stringify(light).length).toBeLessThan(JSON.stringify(full).length / 4);

      const edge = new Set(full.edge?.routerIds);
      expect([...edge]).toEqual(EDGE);
      for (const ids of [edge, undefined]) {
        const shown = historySeries(light, timeZone, 'en', ids);
        expect(shown).toEqual(historySeries(full, timeZone, 'en', ids));
      }
      expect(anyMeasured(light)).toBe(true);
      expect(anyMeasured(light)).toBe(anyMeasured(full));

      // Exact, independently of the app: past 2^53 for the edge routers.
      const edgeSeries = historySeries(light, timeZone, 'en', edge);
      const allSeries = historySeries(light, timeZone, 'en');
      const total = (ids: Iterable<number>, side: 'rx' | 'tx') =>
        [...ids].reduce((sum, id) => sum + (expected.get(id)?.[side] ?? 0n), 0n);
      const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
      expect(sum(edgeSeries.rxBytes)).toBe(total(EDGE, 'rx'));
      expect(sum(edgeSeries.rxBytes)).toBeGreaterThan(2n ** 53n);
      expect(sum(allSeries.rxBytes)).toBe(total(expected.keys(), 'rx'));
      expect(sum(allSeries.txBytes)).toBe(total(expected.keys(), 'tx'));
      // Reboots per bucket: routers 50, 100, … 600 in hour 5.
      expect(sum(allSeries.reboots.map(BigInt))).toBe(BigInt(ROUTERS / 50));
    }
  });

  it('the full answer (Export CSV) still holds every router’s exact bytes', async () => {
    const full = await queryHistory(db.pool, ALL, NOW);
    const lines = historyCsv(full).trim().split('\r\n').slice(1);
    const perRouter = new Map<number, { rx: bigint; tx: bigint }>();
    for (const line of lines) {
      const fields = line.split(',');
      const id = Number(fields[0]);
      const own = perRouter.get(id) ?? { rx: 0n, tx: 0n };
      own.rx += BigInt(fields[4] ?? 'x');
      own.tx += BigInt(fields[5] ?? 'x');
      perRouter.set(id, own);
    }
    expect(perRouter.size).toBe(ROUTERS);
    expect(perRouter).toEqual(expected);
  });

  it('chosen routers: the sums of those only, the same as their buckets', async () => {
    const routerIds = [1, 7, 300, BASELINE_ONLY];
    const full = await queryHistory(db.pool, { ...ALL, routerIds }, NOW);
    const light = await queryHistory(db.pool, { ...ALL, routerIds, detail: 'sums' }, NOW);
    expect(new Set(full.buckets.map((b) => b.routerId))).toEqual(new Set(routerIds));
    expect(light.buckets).toEqual([]);
    expect(light.summary).toEqual(full.summary);
    // The headline of a chosen set is its edge routers (here router 1) or all of them.
    expect(historySeries(light, 'UTC', 'en', new Set([1]))).toEqual(
      historySeries(full, 'UTC', 'en', new Set([1])),
    );
    expect(historySeries(light, 'UTC', 'en')).toEqual(historySeries(full, 'UTC', 'en'));
    // Router 7's missing hour is still counted from the others: monitored, not a gap.
    expect(historySeries(light, 'UTC', 'en').monitored.filter(Boolean).length).toBe(HOURS);
    // Only the router that was read but never counted: monitored, nothing measured.
    const baseline = await queryHistory(
      db.pool,
      { ...ALL, routerIds: [BASELINE_ONLY], detail: 'sums' },
      NOW,
    );
    const alone = historySeries(baseline, 'UTC', 'en');
    expect(alone.monitored.filter(Boolean).length).toBe(HOURS);
    expect(alone.averageMbps.every((rate) => rate === null)).toBe(true);
    expect(anyMeasured(baseline)).toBe(false);
    const only7 = await queryHistory(db.pool, { ...ALL, routerIds: [7], detail: 'sums' }, NOW);
    expect(historySeries(only7, 'UTC', 'en').monitored.filter(Boolean).length).toBe(HOURS - 1);
  });

  it('the request is checked: detail is buckets or sums', () => {
    expect(checkCallArgs('getHistory', [{ ...ALL, detail: 'sums' }]).ok).toBe(true);
    expect(checkCallArgs('getHistory', [{ ...ALL, detail: 'buckets' }]).ok).toBe(true);
    expect(checkCallArgs('getHistory', [ALL]).ok).toBe(true);
    expect(checkCallArgs('getHistory', [{ ...ALL, detail: 'all' }])).toEqual({
      ok: false,
      reason: "detail must be 'buckets' or 'sums'",
    });
    expect(checkCallArgs('getHistory', [{ ...ALL, detail: 1 }]).ok).toBe(false);
  });
});
