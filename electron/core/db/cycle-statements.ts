import type { RowDataPacket } from 'mysql2/promise';
import type { LegacyThroughput, RouterIdentity } from '../../../shared/types';
import type { PreviousReading } from '../tracker';
import type { Sql, SqlValues } from './sql';

// Every statement takes its values as parameters (nested arrays for multi-row VALUES), never
// in the SQL text. One statement per table per cycle, whatever the number of devices.

/** A statement and its values, to be sent alone or batched with others in one round trip. */
export interface Statement {
  sql: string;
  values: SqlValues;
}

/** Joins statements into one multi-statement round trip. */
export function batch(statements: readonly Statement[]): Statement {
  return {
    sql: statements.map((s) => s.sql).join(';\n'),
    values: statements.flatMap((s) => s.values),
  };
}

/** Routers never seen by this copy: insert them (identity only) so they get an id. */
export function insertRouterIdentities(routers: readonly RouterIdentity[]): Statement {
  return {
    sql: `INSERT INTO routers (mac_address, name, ip_address, brand, location) VALUES ?
          ON DUPLICATE KEY UPDATE name = VALUES(name)`,
    values: [routers.map((r) => [r.mac, r.name, r.ip, r.brand, r.location])],
  };
}

export interface StoredRouter {
  id: number;
  mac: string;
  totalRxBytes: bigint;
  totalTxBytes: bigint;
  /** The last counters recorded: where tracking resumes after a restart. */
  latest: PreviousReading | null;
}

export async function findRouters(sql: Sql, macs: readonly string[]): Promise<StoredRouter[]> {
  const rows = await sql.query<RowDataPacket[]>(
    `SELECT id, mac_address, total_rx_bytes, total_tx_bytes, last_rx_bytes, last_tx_bytes,
            last_uptime, last_bandwidth_update
       FROM routers WHERE mac_address IN (?)`,
    [macs],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    mac: String(row.mac_address),
    totalRxBytes: BigInt(row.total_rx_bytes),
    totalTxBytes: BigInt(row.total_tx_bytes),
    latest:
      row.last_rx_bytes === null || row.last_bandwidth_update === null
        ? null
        : {
            rxBytes: BigInt(row.last_rx_bytes),
            txBytes: BigInt(row.last_tx_bytes),
            uptime: row.last_uptime === null ? null : Number(row.last_uptime),
            at: row.last_bandwidth_update as Date,
          },
  }));
}

/** Remembers the cycle: recording the same cycle twice fails on the primary key. */
export function markCycle(cycleId: string, at: Date): Statement {
  return { sql: 'INSERT INTO poll_cycles (id, recorded_at) VALUES (?, ?)', values: [cycleId, at] };
}

export interface RouterUpdate {
  identity: RouterIdentity;
  /** Null for a device whose counters failed validation: its totals and baseline stay. */
  tracked: {
    addRxBytes: bigint;
    addTxBytes: bigint;
    rxBytes: bigint;
    txBytes: bigint;
    uptime: number | null;
  } | null;
}

/**
 * Identity, lifetime totals and baseline of every router of the cycle in one statement.
 * Totals only ever grow by the amounts given; a source that stops sending an IP or location
 * does not erase what we already know.
 */
export function updateRouters(updates: readonly RouterUpdate[], at: Date): Statement {
  const rows = updates.map(({ identity: r, tracked: t }) => [
    r.mac,
    r.name,
    r.ip,
    r.brand,
    r.location,
    t?.addRxBytes ?? 0n,
    t?.addTxBytes ?? 0n,
    t?.rxBytes ?? null,
    t?.txBytes ?? null,
    t?.uptime ?? null,
    t === null ? null : at,
  ]);
  return {
    sql: `INSERT INTO routers (mac_address, name, ip_address, brand, location, total_rx_bytes, total_tx_bytes,
                               last_rx_bytes, last_tx_bytes, last_uptime, last_bandwidth_update)
          VALUES ?
          ON DUPLICATE KEY UPDATE name = VALUES(name),
            ip_address = COALESCE(VALUES(ip_address), ip_address),
            brand = COALESCE(VALUES(brand), brand),
            location = COALESCE(VALUES(location), location),
            total_rx_bytes = total_rx_bytes + VALUES(total_rx_bytes),
            total_tx_bytes = total_tx_bytes + VALUES(total_tx_bytes),
            last_rx_bytes = IF(VALUES(last_bandwidth_update) IS NULL, last_rx_bytes, VALUES(last_rx_bytes)),
            last_tx_bytes = IF(VALUES(last_bandwidth_update) IS NULL, last_tx_bytes, VALUES(last_tx_bytes)),
            last_uptime = IF(VALUES(last_bandwidth_update) IS NULL, last_uptime, VALUES(last_uptime)),
            last_bandwidth_update = COALESCE(VALUES(last_bandwidth_update), last_bandwidth_update)`,
    values: [rows],
  };
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

export function insertSnapshots(snapshots: readonly SnapshotRow[], at: Date): Statement {
  return {
    sql: `INSERT INTO bandwidth_snapshots
            (router_id, rx_bytes_total, tx_bytes_total, rx_bytes_diff, tx_bytes_diff, is_reset, uptime, timestamp)
          VALUES ?`,
    values: [
      snapshots.map((s) => [
        s.routerId,
        s.rxBytesTotal,
        s.txBytesTotal,
        s.rxBytesDiff,
        s.txBytesDiff,
        s.isReset,
        s.uptime,
        at,
      ]),
    ],
  };
}

/** Adds the cycle's deltas to the hourly and daily rollups (UTC buckets). */
export function addToRollups(snapshots: readonly SnapshotRow[], at: Date): Statement[] {
  const hour = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
  const day = at.toISOString().slice(0, 10);
  const rollup = (table: string, column: string, bucket: Date | string): Statement => ({
    sql: `INSERT INTO ${table} (${column}, router_id, rx_bytes, tx_bytes, resets, samples) VALUES ?
          ON DUPLICATE KEY UPDATE rx_bytes = rx_bytes + VALUES(rx_bytes), tx_bytes = tx_bytes + VALUES(tx_bytes),
            resets = resets + VALUES(resets), samples = samples + VALUES(samples)`,
    values: [
      snapshots.map((s) => [
        bucket,
        s.routerId,
        s.rxBytesDiff,
        s.txBytesDiff,
        s.isReset ? 1 : 0,
        1,
      ]),
    ],
  });
  return [rollup('bandwidth_hourly', 'hour_start', hour), rollup('bandwidth_daily', 'day', day)];
}

export interface LogRow {
  routerId: number;
  throughput: LegacyThroughput;
}

export function insertBandwidthLogs(logs: readonly LogRow[], at: Date): Statement {
  return {
    sql: 'INSERT INTO bandwidth_logs (router_id, download_mbps, upload_mbps, latency_ms, timestamp) VALUES ?',
    values: [
      logs.map((l) => [
        l.routerId,
        l.throughput.downloadMbps,
        l.throughput.uploadMbps,
        l.throughput.latencyMs,
        at,
      ]),
    ],
  };
}
