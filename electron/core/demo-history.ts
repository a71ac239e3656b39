import { randomUUID } from 'node:crypto';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { CycleRecorder, trackedRowOf } from './cycle-recorder';
import {
  BEGIN_CYCLE,
  batch,
  type CycleRow,
  type Statement,
  writeCycle,
} from './db/cycle-statements';
import { DEFAULT_RETENTION, pruneOldRows, type RetentionPolicy } from './db/retention';
import { isFlakyOutage } from './sources/demo-network';
import { demoReadingsAt } from './sources/demo-source';
import { BandwidthTracker, DEFAULT_LIMITS, type TrackerLimits } from './tracker';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export interface DemoHistoryOptions {
  now: Date;
  log: (line: string) => void;
  signal?: AbortSignal;
  retention?: RetentionPolicy;
  limits?: TrackerLimits;
  /** How far back the history starts (default 13 months: 396 days). */
  days?: number;
  /** Simulated poll spacing by age (default: 10 minutes for 2 days, hourly for 30, then every 4 hours). */
  tiers?: readonly PollTier[];
  /** Simulated polls written per transaction. */
  cyclesPerBatch?: number;
}

export interface DemoHistoryResult {
  cycles: number;
  from: Date;
  to: Date;
  ms: number;
}

/** Simulated poll spacing by age: finer where the charts show hours, coarser in the distant past. */
export interface PollTier {
  /** This spacing applies to polls younger than this many days. */
  withinDays: number;
  stepMs: number;
}

export const DEFAULT_TIERS: readonly PollTier[] = [
  { withinDays: 2, stepMs: 10 * MINUTE_MS },
  { withinDays: 30, stepMs: HOUR_MS },
  { withinDays: Number.POSITIVE_INFINITY, stepMs: 4 * HOUR_MS },
];

/**
 * The times of the simulated polls, from `days` ago to the last step before `now`, spaced by
 * `tiers`. The first poll never falls in the flaky AP's outage, so every device gets its
 * baseline from it.
 */
export function demoPollTimes(now: number, days: number, tiers: readonly PollTier[]): number[] {
  let at = Math.floor((now - days * DAY_MS) / HOUR_MS) * HOUR_MS;
  if (isFlakyOutage(at - 1)) at += HOUR_MS;
  const times: number[] = [];
  while (at < now) {
    // A poll stands for the step that ends at its grid time: stamped a millisecond before it,
    // its traffic is booked in the hour it happened, not the next one.
    times.push(at - 1);
    const age = (now - at) / DAY_MS;
    const tier = tiers.find((t) => age > 0 && age <= t.withinDays) ?? tiers.at(-1);
    const step = tier?.stepMs ?? HOUR_MS;
    // Steps stay on their grid, so a poll lands on every whole hour of the finer tiers.
    at = Math.floor(at / step) * step + step;
  }
  return times;
}

/**
 * On first start with an empty demo database, records the last 13 months as the app would
 * have: the demo network polled at coarser steps than live, each simulated poll measured by
 * the same tracker and written by the same cycle statements (snapshots, totals, hourly,
 * daily and monthly rollups), many polls per transaction; then retention prunes what it would
 * have pruned by now. Returns null when the database already has routers (nothing to fill).
 */
export async function fillDemoHistory(
  pool: Pool,
  options: DemoHistoryOptions,
): Promise<DemoHistoryResult | null> {
  // Two demo copies starting on one empty database: the second waits, then finds it filled.
  const lock = await pool.getConnection();
  try {
    const [[held]] = await lock.query<RowDataPacket[]>(
      "SELECT GET_LOCK(CONCAT('bandwidth_tracker.demo_fill.', DATABASE()), 300) AS ok",
    );
    if (Number(held?.ok) !== 1)
      throw new Error('another copy has been filling the demo history for 5 minutes');
    try {
      return await fillIfEmpty(pool, options);
    } finally {
      await lock.query("SELECT RELEASE_LOCK(CONCAT('bandwidth_tracker.demo_fill.', DATABASE()))");
    }
  } finally {
    lock.release();
  }
}

async function fillIfEmpty(
  pool: Pool,
  options: DemoHistoryOptions,
): Promise<DemoHistoryResult | null> {
  const [[count]] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM routers');
  if (Number(count?.n ?? 0) > 0) return null;
  const started = Date.now();
  const retention = options.retention ?? DEFAULT_RETENTION;
  const times = demoPollTimes(
    options.now.getTime(),
    options.days ?? 396,
    options.tiers ?? DEFAULT_TIERS,
  );
  if (times.length === 0) return null;
  const log = options.log;
  log(
    `Filling the DEMO history: ${times.length.toLocaleString('en-US')} simulated polls from ${new Date(times[0] ?? 0).toISOString().slice(0, 10)} (once, on first start)…`,
  );

  // The first poll through the recorder itself: it inserts the routers and their baselines.
  const recorder = new CycleRecorder(pool, options.limits);
  const first = demoReadingsAt(times[0] ?? 0);
  const firstCycle = await recorder.record(first.devices, new Date(times[0] ?? 0));
  // First seen when the filled history starts, not now: "tracked since" reads from it. Only
  // the routers of this first poll get a history, and the table was empty before it.
  await pool.query('UPDATE routers SET created_at = ?', [firstCycle.at]);
  const tracker = new BandwidthTracker<number>(options.limits ?? DEFAULT_LIMITS);
  for (const t of firstCycle.tracked)
    tracker.accept(t.routerId, { ...t.counters, at: firstCycle.at });

  const perBatch = options.cyclesPerBatch ?? 96;
  let nextReport = 0.1;
  for (let i = 1; i < times.length; i += perBatch) {
    if (options.signal?.aborted) break;
    const statements: Statement[] = [BEGIN_CYCLE];
    for (const ms of times.slice(i, i + perBatch)) {
      const at = new Date(ms);
      const rows: CycleRow[] = [];
      for (const device of demoReadingsAt(ms).devices) {
        const routerId = recorder.routerIdOf(device.identity.mac);
        const counters = device.counters;
        if (routerId === undefined || counters === null) continue;
        const previous = tracker.get(routerId) ?? null;
        const delta = tracker.computeDelta(routerId, counters, at);
        tracker.accept(routerId, { ...counters, at });
        rows.push({
          routerId,
          throughput: device.throughput,
          // Simulated polls have no copy or sequence: like readings stored before they existed.
          tracked: trackedRowOf(counters, delta, previous, { at }, delta.rxDiff, delta.txDiff),
        });
      }
      // Each simulated poll is one cycle of the usual statements; the batch commits once.
      statements.push(
        { sql: 'DELETE FROM bt_cycle_rows', values: [] },
        ...writeCycle(randomUUID(), rows, [], at).filter((s) => s.sql !== 'COMMIT'),
      );
    }
    statements.push({ sql: 'COMMIT', values: [] });
    const connection = await pool.getConnection();
    try {
      const query = batch(statements);
      await connection.query(query.sql, query.values);
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      connection.release();
    }
    const done = Math.min(i + perBatch, times.length) / times.length;
    if (done >= nextReport) {
      log(
        `Filling the DEMO history: ${Math.floor(done * 100)} % (up to ${new Date(times[Math.min(i + perBatch, times.length) - 1] ?? 0).toISOString().slice(0, 10)})`,
      );
      nextReport = Math.floor(done * 10) / 10 + 0.1;
    }
  }
  // What retention would have pruned by now (raw snapshots and log rows past 30 days…).
  await pruneOldRows(pool, retention, options.now, { signal: options.signal, pauseMs: 0 });
  const result = {
    cycles: times.length,
    from: new Date(times[0] ?? 0),
    to: new Date(times.at(-1) ?? 0),
    ms: Date.now() - started,
  };
  log(
    `Filled the DEMO history: ${result.cycles.toLocaleString('en-US')} simulated polls in ${(result.ms / 1000).toFixed(1)} s; polling live from now on.`,
  );
  return result;
}
