import type { Pool, RowDataPacket } from 'mysql2/promise';
import { type HistoryWindow, historyWindow } from '../../shared/history-range';
import { BucketSumsBuilder } from '../../shared/history-series';
import type {
  HistoryBucket,
  HistoryRequest,
  HistoryResult,
  HistorySummaryRow,
  RebootMarker,
} from '../../shared/ipc-contract';
import { addBytes, type ByteSum } from './byte-sum';
import { loadEdgeSet } from './db/router-roles';

const HOUR = 3_600_000;

type Unit = 'day' | 'month';
const UNIT_TABLES: Record<Unit, { table: string; column: string }> = {
  day: { table: 'bandwidth_daily', column: 'day' },
  month: { table: 'bandwidth_monthly', column: 'month' },
};

function unitStart(ms: number, unit: Unit): number {
  const d = new Date(ms);
  return unit === 'day'
    ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
    : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function nextUnit(ms: number, unit: Unit): number {
  const d = new Date(ms);
  return unit === 'day'
    ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)
    : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** What to read for a window: whole UTC units, hours to move between buckets, and hours read as they are. */
export interface RollupPlan {
  /** Per rollup table: UTC day or month start (ms) → index of the local bucket it is counted in (-1: outside). */
  units: Array<{ unit: Unit; homes: Map<number, number> }>;
  /** Hour (ms) of a unit that belongs to another bucket than its unit: moved from → to. */
  moves: Map<number, { from: number; to: number }>;
  /** Hours after the last folded unit, read from the hourly table as they are. */
  hourly: { from: Date; to: Date } | null;
}

/**
 * Local buckets from UTC rollups, exactly, in any time zone. Each whole UTC month (for monthly
 * buckets) or day is counted in the local bucket holding its middle; the few hours of it that
 * belong to a neighbouring bucket (the zone's offset, a DST change) are then moved using the
 * hourly table. So 30 days in Paris read 30 daily rows and 30 hourly rows per router instead
 * of 720 hourly rows. The part of a month not folded yet is read by day, and the hours not
 * folded into days (the current hour or so) hour by hour.
 */
export function planRollupReads(window: HistoryWindow, foldedThrough: Date): RollupPlan {
  const to = window.to.getTime();
  const folded = foldedThrough.getTime();
  const bucketOf = bucketLocator(window);
  const levels: Unit[] =
    window.bucket === 'month' ? ['month', 'day'] : window.bucket === 'day' ? ['day'] : [];
  const units: RollupPlan['units'] = [];
  const moves = new Map<number, { from: number; to: number }>();
  let covered = window.from.getTime();
  for (const unit of levels) {
    const homes = new Map<number, number>();
    // A finer level starts where the coarser one stopped (always on a unit boundary).
    for (let start = unitStart(covered, unit); start < to; start = nextUnit(start, unit)) {
      const end = nextUnit(start, unit);
      if (end > folded) break;
      const home = bucketOf(start + (end - start) / 2);
      homes.set(start, home);
      for (let hour = start; hour < end; hour += HOUR) {
        const own = bucketOf(hour);
        if (own !== home) moves.set(hour, { from: home, to: own });
      }
      covered = end;
    }
    if (homes.size > 0) units.push({ unit, homes });
  }
  return { units, moves, hourly: covered < to ? { from: new Date(covered), to: window.to } : null };
}

/** Index of the bucket holding an instant, -1 outside the window. */
function bucketLocator(window: HistoryWindow): (ms: number) => number {
  const starts = window.bucketStarts.map((d) => d.getTime());
  const to = window.to.getTime();
  return (ms) => {
    if (ms < (starts[0] ?? to) || ms >= to) return -1;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((starts[middle] ?? 0) <= ms) low = middle;
      else high = middle - 1;
    }
    return low;
  };
}

/** `samples`: polls counted in the bucket; additive, so it stays exact when hours are moved. */
type Totals = { rx: ByteSum; tx: ByteSum; resets: number; covered: number; samples: number };
type RollupRow = RowDataPacket &
  [
    string | number,
    string | number,
    string,
    string,
    string | number,
    string | number,
    string | number,
  ];

/**
 * Traffic per router per local bucket of the viewer's time zone, read from the rollups only
 * (each read is a plain range scan; the bucketing is done here).
 */
export async function queryHistory(
  pool: Pool,
  request: HistoryRequest,
  now: Date,
): Promise<HistoryResult> {
  const window = historyWindow(request, now);
  const routerFilter = request.routerIds.length > 0 ? 'AND router_id IN (?)' : '';
  const filterValues = request.routerIds.length > 0 ? [request.routerIds] : [];
  // The reads are independent: sent together they overlap on the pool's connections, and
  // Node parses one result while the server produces the next.
  // Tracked totals: every monthly rollup, plus the hours not folded into months yet.
  const routersRead = pool.query<RowDataPacket[]>(
    `SELECT r.id, r.name, r.mac_address, r.total_rx_bytes, r.total_tx_bytes, r.created_at,
            COALESCE(m.rx, 0) + COALESCE(h.rx, 0) AS tracked_rx,
            COALESCE(m.tx, 0) + COALESCE(h.tx, 0) AS tracked_tx
       FROM routers r
       LEFT JOIN (SELECT router_id, SUM(rx_bytes) AS rx, SUM(tx_bytes) AS tx
                    FROM bandwidth_monthly GROUP BY router_id) m ON m.router_id = r.id
       LEFT JOIN (SELECT router_id, SUM(rx_bytes) AS rx, SUM(tx_bytes) AS tx FROM bandwidth_hourly
                   WHERE hour_start >= (SELECT daily_through FROM rollup_state WHERE id = 1)
                   GROUP BY router_id) h ON h.router_id = r.id
      WHERE r.mac_address IS NOT NULL ${request.routerIds.length > 0 ? 'AND r.id IN (?)' : ''} ORDER BY r.name`,
    filterValues,
  );
  // Which routers are the internet usage: the page's "Internet (edge routers)" series and total.
  const edgeRead = loadEdgeSet(pool);
  // Awaited below; a failure before then (the edge set is awaited first) must not go
  // unhandled meanwhile.
  edgeRead.catch(() => {});
  routersRead.catch(() => {});
  let foldedThrough = window.from;
  if (window.bucket !== 'hour') {
    const [[state]] = await pool.query<RowDataPacket[]>(
      'SELECT daily_through FROM rollup_state WHERE id = 1',
    );
    foldedThrough = (state?.daily_through as Date | undefined) ?? window.from;
  }
  const plan = planRollupReads(window, foldedThrough);
  const bucketOf = bucketLocator(window);

  const sums = new Map<number, Totals[]>();
  const totalsOf = (routerId: number, bucket: number): Totals | undefined => {
    let own = sums.get(routerId);
    if (own === undefined) {
      own = window.bucketStarts.map(() => ({ rx: 0, tx: 0, resets: 0, covered: 0, samples: 0 }));
      sums.set(routerId, own);
    }
    return own[bucket];
  };
  const add = (routerId: number, bucket: number, row: RollupRow) => {
    const total = bucket < 0 ? undefined : totalsOf(routerId, bucket);
    if (total === undefined) return;
    total.rx = addBytes(total.rx, row[2]);
    total.tx = addBytes(total.tx, row[3]);
    total.resets += Number(row[4]);
    total.covered += Number(row[5]);
    total.samples += Number(row[6]);
  };
  /** An hour counted in its unit's bucket that belongs to another one. */
  const move = (routerId: number, from: number, to: number, row: RollupRow) => {
    const source = from < 0 ? undefined : totalsOf(routerId, from);
    if (source !== undefined) {
      source.rx = addBytes(source.rx, row[2], -1);
      source.tx = addBytes(source.tx, row[3], -1);
      source.resets -= Number(row[4]);
      source.covered -= Number(row[5]);
      source.samples -= Number(row[6]);
    }
    add(routerId, to, row);
  };
  /** Rows as arrays [router_id, start in seconds, rx, tx, resets, covered seconds, samples]: no per-row objects. */
  const readRollup = async (sql: string, values: unknown[], each: (row: RollupRow) => void) => {
    const [rows] = await pool.query<RollupRow[]>({ sql, values, rowsAsArray: true });
    for (const row of rows) each(row);
  };

  const reads: Array<Promise<void>> = plan.units.map(({ unit, homes }) => {
    const { table, column } = UNIT_TABLES[unit];
    const starts = [...homes.keys()];
    return readRollup(
      `SELECT router_id, TIMESTAMPDIFF(SECOND, '1970-01-01', ${column}), rx_bytes, tx_bytes, resets, covered_seconds, samples
         FROM ${table}
        WHERE ${column} >= ? AND ${column} < ? ${routerFilter}`,
      [new Date(starts[0] ?? 0), new Date(nextUnit(starts.at(-1) ?? 0, unit)), ...filterValues],
      (row) => add(Number(row[0]), homes.get(Number(row[1]) * 1000) ?? -1, row),
    );
  });
  if (plan.moves.size > 0) {
    reads.push(
      readRollup(
        `SELECT router_id, TIMESTAMPDIFF(SECOND, '1970-01-01', hour_start), rx_bytes, tx_bytes, resets, covered_seconds, samples
           FROM bandwidth_hourly WHERE hour_start IN (?) ${routerFilter}`,
        [[...plan.moves.keys()].map((ms) => new Date(ms)), ...filterValues],
        (row) => {
          const moved = plan.moves.get(Number(row[1]) * 1000);
          if (moved !== undefined) move(Number(row[0]), moved.from, moved.to, row);
        },
      ),
    );
  }
  const hourly = plan.hourly;
  if (hourly !== null) {
    reads.push(
      readRollup(
        `SELECT router_id, TIMESTAMPDIFF(SECOND, '1970-01-01', hour_start), rx_bytes, tx_bytes, resets, covered_seconds, samples
           FROM bandwidth_hourly WHERE hour_start >= ? AND hour_start < ? ${routerFilter}`,
        [hourly.from, hourly.to, ...filterValues],
        (row) => add(Number(row[0]), bucketOf(Number(row[1]) * 1000), row),
      ),
    );
  }
  await Promise.all(reads);

  // Built in output order (bucket, then router), so nothing needs sorting afterwards.
  const starts = window.bucketStarts.map((start) => start.toISOString());
  const routerIds = [...sums.keys()].sort((a, b) => a - b);
  const to = window.to.toISOString();
  const edge = await edgeRead;
  // A light answer sums the buckets as the page would from the buckets (the same builder, the
  // same order: bucket, then router) without listing them: the same figures.
  const light =
    request.detail === 'sums'
      ? { all: new BucketSumsBuilder(starts, to), edge: new BucketSumsBuilder(starts, to) }
      : undefined;
  const buckets: HistoryBucket[] = [];
  const reboots: RebootMarker[] = [];
  const perRouter = new Map<number, Totals>();
  for (const routerId of routerIds)
    perRouter.set(routerId, { rx: 0, tx: 0, resets: 0, covered: 0, samples: 0 });
  starts.forEach((start, index) => {
    for (const routerId of routerIds) {
      const total = sums.get(routerId)?.[index];
      const own = perRouter.get(routerId);
      if (total === undefined || own === undefined) continue;
      // A bucket the router was polled in is kept even without traffic: measured zero is not
      // the same as not monitored (which the chart shows as a gap).
      if (total.samples <= 0) continue;
      // Sums of three-decimal values: rounded back so float noise does not show.
      const coveredSeconds = Math.round(total.covered * 1000) / 1000;
      if (light === undefined) {
        buckets.push({
          start,
          routerId,
          rxBytes: String(total.rx),
          txBytes: String(total.tx),
          resets: total.resets,
          coveredSeconds,
        });
      } else {
        light.all.add(index, total.rx, total.tx, total.resets, coveredSeconds);
        if (edge.ids.has(routerId))
          light.edge.add(index, total.rx, total.tx, total.resets, coveredSeconds);
      }
      // Rollups know reboots to the bucket: the marker sits at the start of its bucket.
      if (total.resets > 0) reboots.push({ routerId, at: start });
      own.rx = addBytes(own.rx, total.rx);
      own.tx = addBytes(own.tx, total.tx);
      own.resets += total.resets;
    }
  });

  const [routers] = await routersRead;
  const summary: HistorySummaryRow[] = routers.map((router) => {
    const own = perRouter.get(Number(router.id)) ?? {
      rx: 0,
      tx: 0,
      resets: 0,
      covered: 0,
      samples: 0,
    };
    return {
      routerId: Number(router.id),
      name: String(router.name),
      rxBytes: String(own.rx),
      txBytes: String(own.tx),
      lifetimeRxBytes: String(router.total_rx_bytes),
      lifetimeTxBytes: String(router.total_tx_bytes),
      trackedRxBytes: String(router.tracked_rx),
      trackedTxBytes: String(router.tracked_tx),
      ...(router.created_at instanceof Date
        ? { firstSeenAt: router.created_at.toISOString() }
        : {}),
      reboots: own.resets,
    };
  });

  return {
    bucket: window.bucket,
    from: window.from.toISOString(),
    to,
    bucketStarts: starts,
    buckets,
    ...(light === undefined ? {} : { sums: { all: light.all.sums(), edge: light.edge.sums() } }),
    summary,
    reboots,
    routers: routers.map((router) => ({
      id: Number(router.id),
      name: String(router.name),
      mac: String(router.mac_address),
    })),
    edge: { rule: edge.rule, routerIds: [...edge.ids].sort((a, b) => a - b) },
  };
}
