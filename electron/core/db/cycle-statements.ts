import type { RowDataPacket } from 'mysql2/promise';
import type { LegacyThroughput, RouterIdentity } from '../../../shared/types';
import type { PreviousReading } from '../tracker';
import type { Sql } from './sql';

// One statement per table per cycle, whatever the number of devices: values go in as
// parameters (nested arrays for multi-row VALUES), never into the SQL text.

export async function upsertRouters(sql: Sql, routers: readonly RouterIdentity[]): Promise<void> {
  const rows = routers.map((r) => [r.mac, r.name, r.ip, r.brand, r.location]);
  // A source that stops sending an IP or location does not erase what we already know.
  await sql.query(
    `INSERT INTO routers (mac_address, name, ip_address, brand, location) VALUES ?
     ON DUPLICATE KEY UPDATE name = VALUES(name),
       ip_address = COALESCE(VALUES(ip_address), ip_address),
       brand = COALESCE(VALUES(brand), brand),
       location = COALESCE(VALUES(location), location)`,
    [rows],
  );
}

export interface StoredRouter {
  id: number;
  mac: string;
  /** The counters of its newest snapshot: where tracking resumes after a restart. */
  latest: PreviousReading | null;
}

export async function findRoutersWithLatestSnapshot(
  sql: Sql,
  macs: readonly string[],
): Promise<StoredRouter[]> {
  const rows = await sql.query<RowDataPacket[]>(
    `SELECT r.id, r.mac_address, s.rx_bytes_total, s.tx_bytes_total, s.uptime, s.timestamp
       FROM routers r
       LEFT JOIN bandwidth_snapshots s
         ON s.id = (SELECT MAX(latest.id) FROM bandwidth_snapshots latest WHERE latest.router_id = r.id)
      WHERE r.mac_address IN (?)`,
    [macs],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    mac: String(row.mac_address),
    latest:
      row.rx_bytes_total === null
        ? null
        : {
            rxBytes: BigInt(row.rx_bytes_total),
            txBytes: BigInt(row.tx_bytes_total),
            uptime: row.uptime === null ? null : Number(row.uptime),
            at: row.timestamp as Date,
          },
  }));
}

export interface SnapshotRow {
  routerId: number;
  rxBytesTotal: bigint;
  txBytesTotal: bigint;
  rxBytesDiff: bigint;
  txBytesDiff: bigint;
  isReset: boolean;
  uptime: number | null;
}

export async function insertSnapshots(
  sql: Sql,
  snapshots: readonly SnapshotRow[],
  at: Date,
): Promise<void> {
  const rows = snapshots.map((s) => [
    s.routerId,
    s.rxBytesTotal,
    s.txBytesTotal,
    s.rxBytesDiff,
    s.txBytesDiff,
    s.isReset,
    s.uptime,
    at,
  ]);
  await sql.query(
    `INSERT INTO bandwidth_snapshots
       (router_id, rx_bytes_total, tx_bytes_total, rx_bytes_diff, tx_bytes_diff, is_reset, uptime, timestamp)
     VALUES ?`,
    [rows],
  );
}

export interface TotalsChange {
  routerId: number;
  /** First time this router is tracked: its totals start at its counters. */
  firstTracked: boolean;
  /** The counters when first tracked, else the delta to add. */
  rxBytes: bigint;
  txBytes: bigint;
}

export async function addToRouterTotals(
  sql: Sql,
  changes: readonly TotalsChange[],
  at: Date,
): Promise<void> {
  const sorted = [...changes].sort((a, b) => a.routerId - b.routerId);
  // A derived table of parameter rows lets one UPDATE give each router its own amount.
  const derived = sorted
    .map((_, index) =>
      index === 0 ? 'SELECT ? AS id, ? AS rx, ? AS tx, ? AS first_tracked' : 'SELECT ?, ?, ?, ?',
    )
    .join(' UNION ALL ');
  const values = sorted.flatMap((c) => [c.routerId, c.rxBytes, c.txBytes, c.firstTracked ? 1 : 0]);
  // Totals never go down: a first baseline can only raise them (an older dashboard may have
  // stored totals already), and a reset adds nothing.
  await sql.query(
    `UPDATE routers r JOIN (${derived}) d ON r.id = d.id
        SET r.total_rx_bytes = IF(d.first_tracked = 1, GREATEST(r.total_rx_bytes, d.rx), r.total_rx_bytes + d.rx),
            r.total_tx_bytes = IF(d.first_tracked = 1, GREATEST(r.total_tx_bytes, d.tx), r.total_tx_bytes + d.tx),
            r.last_bandwidth_update = ?`,
    [...values, at],
  );
}

export interface LogRow {
  routerId: number;
  throughput: LegacyThroughput;
}

export async function insertBandwidthLogs(
  sql: Sql,
  logs: readonly LogRow[],
  at: Date,
): Promise<void> {
  const rows = logs.map((l) => [
    l.routerId,
    l.throughput.downloadMbps,
    l.throughput.uploadMbps,
    l.throughput.latencyMs,
    at,
  ]);
  await sql.query(
    'INSERT INTO bandwidth_logs (router_id, download_mbps, upload_mbps, latency_ms, timestamp) VALUES ?',
    [rows],
  );
}
