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
    'SELECT backfill_next_id AS next, backfill_last_id AS last FROM rollup_state WHERE id = 1',
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
      // Locks the state row, so a cycle cannot fold hours into the daily table meanwhile.
      await connection.query(
        'SELECT daily_through INTO @bt_daily_through FROM rollup_state WHERE id = 1 FOR UPDATE',
      );
      await connection.query(
        `INSERT INTO bandwidth_hourly (hour_start, router_id, rx_bytes, tx_bytes, resets, samples)
         SELECT DATE_FORMAT(timestamp, '%Y-%m-%d %H:00:00') AS bucket, router_id, SUM(rx_bytes_diff),
                SUM(tx_bytes_diff), SUM(is_reset), COUNT(*)
           FROM bandwidth_snapshots WHERE id BETWEEN ? AND ? GROUP BY bucket, router_id
         ON DUPLICATE KEY UPDATE rx_bytes = rx_bytes + VALUES(rx_bytes), tx_bytes = tx_bytes + VALUES(tx_bytes),
           resets = resets + VALUES(resets), samples = samples + VALUES(samples)`,
        [next, end],
      );
      // Hours not yet folded get into the daily and monthly tables with the next fold.
      for (const [table, column, unit] of [
        ['bandwidth_daily', 'day', 'DATE(timestamp)'],
        ['bandwidth_monthly', 'month', "DATE_FORMAT(timestamp, '%Y-%m-01')"],
      ] as const) {
        await connection.query(
          `INSERT INTO ${table} (${column}, router_id, rx_bytes, tx_bytes, resets, samples)
           SELECT ${unit} AS bucket, router_id, SUM(rx_bytes_diff), SUM(tx_bytes_diff), SUM(is_reset), COUNT(*)
             FROM bandwidth_snapshots
            WHERE id BETWEEN ? AND ? AND timestamp < DATE_FORMAT(@bt_daily_through, '%Y-%m-%d %H:00:00')
            GROUP BY bucket, router_id
           ON DUPLICATE KEY UPDATE rx_bytes = rx_bytes + VALUES(rx_bytes), tx_bytes = tx_bytes + VALUES(tx_bytes),
             resets = resets + VALUES(resets), samples = samples + VALUES(samples)`,
          [next, end],
        );
      }
      await connection.query('UPDATE rollup_state SET backfill_next_id = ? WHERE id = 1', [
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
