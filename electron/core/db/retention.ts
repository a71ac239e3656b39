import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';

/** How long each kind of row is kept, in days; 0 keeps it forever. */
export interface RetentionPolicy {
  rawDays: number;
  hourlyDays: number;
  dailyDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { rawDays: 30, hourlyDays: 400, dailyDays: 0 };

type Target = { table: string; column: string; keep: keyof RetentionPolicy; byId: boolean };

// The raw tables have no time index (it would cost on every insert): their ids grow with
// time, so the first id to keep is found by a binary search on the primary key.
const TARGETS: readonly Target[] = [
  { table: 'bandwidth_snapshots', column: 'timestamp', keep: 'rawDays', byId: true },
  { table: 'bandwidth_logs', column: 'timestamp', keep: 'rawDays', byId: true },
  { table: 'poll_cycles', column: 'recorded_at', keep: 'rawDays', byId: false },
  { table: 'bandwidth_hourly', column: 'hour_start', keep: 'hourlyDays', byId: false },
  { table: 'bandwidth_daily', column: 'day', keep: 'dailyDays', byId: false },
];

export interface PruneOptions {
  batchSize?: number;
  /** Pause between batches, so a poll cycle never waits long for the tables. */
  pauseMs?: number;
  signal?: AbortSignal;
}

/** The smallest id whose row is not older than `cutoff` (ids grow with time), or null if none is. */
export async function firstIdAtOrAfter(
  pool: Pool,
  table: string,
  column: string,
  cutoff: Date,
): Promise<number | null> {
  const [[range]] = await pool.query<RowDataPacket[]>(
    `SELECT MIN(id) AS low, MAX(id) AS high FROM ${table}`,
  );
  if (range?.low === null || range?.low === undefined) return null;
  let low = Number(range.low);
  let high = Number(range.high) + 1;
  // Invariant: rows before `low` are older than cutoff; `high` is past every old row.
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const [[row]] = await pool.query<RowDataPacket[]>(
      `SELECT id, ${column} AS at FROM ${table} WHERE id >= ? ORDER BY id LIMIT 1`,
      [middle],
    );
    if (row === undefined) {
      high = middle;
    } else if ((row.at as Date) < cutoff) {
      low = Number(row.id) + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

/**
 * Deletes rows older than the policy in small batches (each its own short transaction), so
 * pruning a year of backlog never holds locks a poll cycle needs. Router baselines live on the
 * routers rows, so raw snapshots can go without losing where tracking resumes.
 */
export async function pruneOldRows(
  pool: Pool,
  policy: RetentionPolicy,
  now: Date,
  options: PruneOptions = {},
): Promise<Record<string, number>> {
  const batchSize = options.batchSize ?? 5_000;
  const deleted: Record<string, number> = {};
  for (const target of TARGETS) {
    const days = policy[target.keep];
    if (days <= 0) continue;
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    let condition = `${target.column} < ?`;
    let bound: Date | number = cutoff;
    let order = target.column;
    if (target.byId) {
      const firstKept = await firstIdAtOrAfter(pool, target.table, target.column, cutoff);
      if (firstKept === null) continue;
      condition = 'id < ?';
      bound = firstKept;
      order = 'id';
    }
    let count = 0;
    while (!options.signal?.aborted) {
      const [result] = await pool.query<ResultSetHeader>(
        `DELETE FROM ${target.table} WHERE ${condition} ORDER BY ${order} LIMIT ?`,
        [bound, batchSize],
      );
      count += result.affectedRows;
      if (result.affectedRows < batchSize) break;
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 20));
    }
    deleted[target.table] = count;
  }
  return deleted;
}
