import type { Pool, RowDataPacket } from 'mysql2/promise';
import { type HistoryWindow, historyWindow } from '../../shared/history-range';
import type {
  HistoryBucket,
  HistoryRequest,
  HistoryResult,
  HistorySummaryRow,
} from '../../shared/ipc-contract';

const EPOCH = '1970-01-01 00:00:00';
const DAY = 86_400_000;

interface TimeSpan {
  from: Date;
  to: Date;
}

/**
 * Splits a calendar range into what the daily rollup can answer (UTC days lying wholly inside
 * one local bucket) and what needs the hourly rollup (UTC days cut by a local boundary, which
 * is every day for a viewer far from UTC). Adjacent hourly days are merged into one span.
 */
export function planRollupReads(window: HistoryWindow): {
  dailyDays: string[];
  hourlySpans: TimeSpan[];
} {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const boundaries = [...window.bucketStarts.map((d) => d.getTime()), to];
  const dailyDays: string[] = [];
  const hourlySpans: TimeSpan[] = [];
  for (let day = Math.floor(from / DAY) * DAY; day < to; day += DAY) {
    const end = day + DAY;
    const whole = day >= from && end <= to && !boundaries.some((b) => b > day && b < end);
    if (whole) {
      dailyDays.push(new Date(day).toISOString().slice(0, 10));
      continue;
    }
    const span = { from: new Date(Math.max(day, from)), to: new Date(Math.min(end, to)) };
    const last = hourlySpans.at(-1);
    if (last !== undefined && last.to.getTime() === span.from.getTime()) last.to = span.to;
    else hourlySpans.push(span);
  }
  return { dailyDays, hourlySpans };
}

type Totals = { rx: bigint; tx: bigint; resets: number };

/**
 * Traffic per router per local bucket, read from the rollups only. Buckets are cut in SQL by
 * INTERVAL() over the boundaries computed for the viewer's time zone, so local days and months
 * are exact across DST changes whatever the server's time zone.
 */
export async function queryHistory(
  pool: Pool,
  request: HistoryRequest,
  now: Date,
): Promise<HistoryResult> {
  const window = historyWindow(request, now);
  const starts = window.bucketStarts.map((start) => Math.floor(start.getTime() / 1000));
  const filter = request.routerIds.length > 0 ? 'AND router_id IN (?)' : '';
  const filterValues = request.routerIds.length > 0 ? [request.routerIds] : [];
  const plan =
    window.bucket === 'hour'
      ? { dailyDays: [], hourlySpans: [{ from: window.from, to: window.to }] }
      : planRollupReads(window);

  const sums = new Map<string, Totals>();
  const add = (rows: RowDataPacket[]) => {
    for (const row of rows) {
      const key = `${row.router_id}|${row.bucket}`;
      const total = sums.get(key) ?? { rx: 0n, tx: 0n, resets: 0 };
      total.rx += BigInt(row.rx);
      total.tx += BigInt(row.tx);
      total.resets += Number(row.resets);
      sums.set(key, total);
    }
  };
  if (plan.hourlySpans.length > 0) {
    const spans = plan.hourlySpans.map(() => '(hour_start >= ? AND hour_start < ?)').join(' OR ');
    const [rows] = await pool.query<RowDataPacket[]>(
      `SELECT router_id, INTERVAL(TIMESTAMPDIFF(SECOND, ?, hour_start), ?) AS bucket,
              SUM(rx_bytes) AS rx, SUM(tx_bytes) AS tx, SUM(resets) AS resets
         FROM bandwidth_hourly WHERE (${spans}) ${filter}
        GROUP BY router_id, bucket`,
      [EPOCH, starts, ...plan.hourlySpans.flatMap((s) => [s.from, s.to]), ...filterValues],
    );
    add(rows);
  }
  if (plan.dailyDays.length > 0) {
    const [rows] = await pool.query<RowDataPacket[]>(
      `SELECT router_id, INTERVAL(TIMESTAMPDIFF(SECOND, ?, day), ?) AS bucket,
              SUM(rx_bytes) AS rx, SUM(tx_bytes) AS tx, SUM(resets) AS resets
         FROM bandwidth_daily WHERE day IN (?) ${filter}
        GROUP BY router_id, bucket`,
      [EPOCH, starts, plan.dailyDays, ...filterValues],
    );
    add(rows);
  }

  const buckets: HistoryBucket[] = [];
  const perRouter = new Map<number, Totals>();
  for (const [key, total] of sums) {
    const [routerId, index] = key.split('|').map(Number) as [number, number];
    const start = window.bucketStarts[index - 1];
    if (start === undefined) continue;
    buckets.push({
      start: start.toISOString(),
      routerId,
      rxBytes: String(total.rx),
      txBytes: String(total.tx),
      resets: total.resets,
    });
    const own = perRouter.get(routerId) ?? { rx: 0n, tx: 0n, resets: 0 };
    own.rx += total.rx;
    own.tx += total.tx;
    own.resets += total.resets;
    perRouter.set(routerId, own);
  }
  buckets.sort((a, b) => a.start.localeCompare(b.start) || a.routerId - b.routerId);

  const [routers] = await pool.query<RowDataPacket[]>(
    `SELECT id, name, mac_address, total_rx_bytes, total_tx_bytes FROM routers
      WHERE mac_address IS NOT NULL ${request.routerIds.length > 0 ? 'AND id IN (?)' : ''} ORDER BY name`,
    filterValues,
  );
  const summary: HistorySummaryRow[] = routers.map((router) => {
    const own = perRouter.get(Number(router.id)) ?? { rx: 0n, tx: 0n, resets: 0 };
    return {
      routerId: Number(router.id),
      name: String(router.name),
      rxBytes: String(own.rx),
      txBytes: String(own.tx),
      lifetimeRxBytes: String(router.total_rx_bytes),
      lifetimeTxBytes: String(router.total_tx_bytes),
      reboots: own.resets,
    };
  });

  return {
    bucket: window.bucket,
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    bucketStarts: window.bucketStarts.map((start) => start.toISOString()),
    buckets,
    summary,
    // Rollups know reboots to the bucket: the marker sits at the start of its bucket.
    reboots: buckets
      .filter((b) => b.resets > 0)
      .map((b) => ({ routerId: b.routerId, at: b.start })),
    routers: routers.map((router) => ({
      id: Number(router.id),
      name: String(router.name),
      mac: String(router.mac_address),
    })),
  };
}
