import type { Pool, RowDataPacket } from 'mysql2/promise';

/**
 * The source each router's stored counters came from (`counter_source`), by MAC: with several
 * sources, the one that owns a series keeps it. Read once per run, not per cycle.
 */
export async function loadCounterSources(pool: Pool): Promise<Map<string, string>> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT mac_address, counter_source FROM routers WHERE counter_source IS NOT NULL',
  );
  return new Map(rows.map((row) => [String(row.mac_address), String(row.counter_source)]));
}
