import type { Pool, ResultSetHeader } from 'mysql2/promise';

/** How long each kind of row is kept, in days; 0 keeps it forever. */
export interface RetentionPolicy {
  rawDays: number;
  hourlyDays: number;
  dailyDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { rawDays: 30, hourlyDays: 400, dailyDays: 0 };

const TARGETS = [
  { table: 'bandwidth_snapshots', column: 'timestamp', keep: 'rawDays' },
  { table: 'bandwidth_logs', column: 'timestamp', keep: 'rawDays' },
  { table: 'poll_cycles', column: 'recorded_at', keep: 'rawDays' },
  { table: 'bandwidth_hourly', column: 'hour_start', keep: 'hourlyDays' },
  { table: 'bandwidth_daily', column: 'day', keep: 'dailyDays' },
] as const;

export interface PruneOptions {
  batchSize?: number;
  /** Pause between batches, so a poll cycle never waits long for the tables. */
  pauseMs?: number;
  signal?: AbortSignal;
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
    let count = 0;
    while (!options.signal?.aborted) {
      const [result] = await pool.query<ResultSetHeader>(
        `DELETE FROM ${target.table} WHERE ${target.column} < ? ORDER BY ${target.column} LIMIT ?`,
        [cutoff, batchSize],
      );
      count += result.affectedRows;
      if (result.affectedRows < batchSize) break;
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 20));
    }
    deleted[target.table] = count;
  }
  return deleted;
}
