import type { Pool, RowDataPacket } from 'mysql2/promise';

/**
 * Folds the snapshots that existed before the rollups (migration 4) into them, once, in
 * batches by snapshot id. Each batch and its progress commit together, so an interrupted
 * backfill resumes where it stopped and never counts a snapshot twice. Cycles recorded since
 * migration 4 update the rollups themselves, so the two never overlap.
 */
export async function backfillRollups(
  pool: Pool,
  log: (line: string) => void,
  signal: AbortSignal,
  batchSize = 50_000,
): Promise<number> {
  const [[state]] = await pool.query<RowDataPacket[]>(
    'SELECT next_snapshot_id AS next, last_snapshot_id AS last FROM rollup_backfill WHERE id = 1',
  );
  if (state === undefined) return 0;
  let next = Number(state.next);
  const last = Number(state.last);
  if (next > last) return 0;
  const first = next;
  const total = last - first + 1;
  log(`🗄️  Building history rollups from ${total.toLocaleString('en-US')} existing snapshot id(s)…`);
  let folded = 0;
  while (next <= last && !signal.aborted) {
    const end = Math.min(next + batchSize - 1, last);
    const connection = await pool.getConnection();
    try {
      await connection.query('START TRANSACTION');
      for (const [table, bucket] of [
        ['bandwidth_hourly', "DATE_FORMAT(timestamp, '%Y-%m-%d %H:00:00')"],
        ['bandwidth_daily', 'DATE(timestamp)'],
      ] as const) {
        const column = table === 'bandwidth_hourly' ? 'hour_start' : 'day';
        await connection.query(
          `INSERT INTO ${table} (${column}, router_id, rx_bytes, tx_bytes, resets, samples)
           SELECT ${bucket} AS bucket, router_id, SUM(rx_bytes_diff), SUM(tx_bytes_diff), SUM(is_reset), COUNT(*)
             FROM bandwidth_snapshots WHERE id BETWEEN ? AND ? GROUP BY bucket, router_id
           ON DUPLICATE KEY UPDATE rx_bytes = rx_bytes + VALUES(rx_bytes), tx_bytes = tx_bytes + VALUES(tx_bytes),
             resets = resets + VALUES(resets), samples = samples + VALUES(samples)`,
          [next, end],
        );
      }
      await connection.query('UPDATE rollup_backfill SET next_snapshot_id = ? WHERE id = 1', [
        end + 1,
      ]);
      await connection.query('COMMIT');
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      connection.release();
    }
    folded += end - next + 1;
    next = end + 1;
    const percent = Math.round(((next - first) / total) * 100);
    log(
      `🗄️  Rollups: ${(next - first).toLocaleString('en-US')} / ${total.toLocaleString('en-US')} snapshot ids (${percent} %)`,
    );
  }
  return folded;
}
