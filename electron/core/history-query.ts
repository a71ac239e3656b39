import type { Pool, RowDataPacket } from 'mysql2/promise';
import { historyWindow } from '../../shared/history-range';
import type {
  HistoryBucket,
  HistoryRequest,
  HistoryResult,
  HistorySummaryRow,
} from '../../shared/ipc-contract';

const EPOCH = '1970-01-01 00:00:00';
const MAX_REBOOT_MARKERS = 1000;

/**
 * Traffic per router per local bucket over a range. Buckets are cut in SQL with INTERVAL()
 * over the bucket boundaries computed for the viewer's time zone, so local days and months
 * are exact across DST changes whatever the server's time zone.
 */
export async function queryHistory(
  pool: Pool,
  request: HistoryRequest,
  now: Date,
): Promise<HistoryResult> {
  const window = historyWindow(request, now);
  const boundaries = window.bucketStarts.map((start) => Math.floor(start.getTime() / 1000));
  const routerFilter = request.routerIds.length > 0 ? 'AND s.router_id IN (?)' : '';
  const filterValues = request.routerIds.length > 0 ? [request.routerIds] : [];

  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT s.router_id,
            INTERVAL(TIMESTAMPDIFF(SECOND, ?, s.timestamp), ?) AS bucket,
            SUM(s.rx_bytes_diff) AS rx, SUM(s.tx_bytes_diff) AS tx, SUM(s.is_reset) AS resets
       FROM bandwidth_snapshots s
      WHERE s.timestamp >= ? AND s.timestamp < ? ${routerFilter}
      GROUP BY s.router_id, bucket
      ORDER BY bucket, s.router_id`,
    [EPOCH, boundaries, window.from, window.to, ...filterValues],
  );
  const buckets: HistoryBucket[] = rows.flatMap((row) => {
    const start = window.bucketStarts[Number(row.bucket) - 1];
    return start === undefined
      ? []
      : [
          {
            start: start.toISOString(),
            routerId: Number(row.router_id),
            rxBytes: String(row.rx),
            txBytes: String(row.tx),
            resets: Number(row.resets),
          },
        ];
  });

  const [routers] = await pool.query<RowDataPacket[]>(
    `SELECT id, name, mac_address, total_rx_bytes, total_tx_bytes FROM routers
      WHERE mac_address IS NOT NULL ${request.routerIds.length > 0 ? 'AND id IN (?)' : ''} ORDER BY name`,
    filterValues,
  );
  const [reboots] = await pool.query<RowDataPacket[]>(
    `SELECT s.router_id, s.timestamp FROM bandwidth_snapshots s
      WHERE s.is_reset = 1 AND s.timestamp >= ? AND s.timestamp < ? ${routerFilter}
      ORDER BY s.timestamp LIMIT ${MAX_REBOOT_MARKERS}`,
    [window.from, window.to, ...filterValues],
  );

  const summary: HistorySummaryRow[] = routers.map((router) => {
    const own = buckets.filter((b) => b.routerId === Number(router.id));
    return {
      routerId: Number(router.id),
      name: String(router.name),
      rxBytes: String(own.reduce((sum, b) => sum + BigInt(b.rxBytes), 0n)),
      txBytes: String(own.reduce((sum, b) => sum + BigInt(b.txBytes), 0n)),
      lifetimeRxBytes: String(router.total_rx_bytes),
      lifetimeTxBytes: String(router.total_tx_bytes),
      reboots: own.reduce((sum, b) => sum + b.resets, 0),
    };
  });

  return {
    bucket: window.bucket,
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    bucketStarts: window.bucketStarts.map((start) => start.toISOString()),
    buckets,
    summary,
    reboots: reboots.map((row) => ({
      routerId: Number(row.router_id),
      at: (row.timestamp as Date).toISOString(),
    })),
    routers: routers.map((router) => ({
      id: Number(router.id),
      name: String(router.name),
      mac: String(router.mac_address),
    })),
  };
}
