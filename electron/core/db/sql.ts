import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';

/** Parameter values: scalars, Dates, and nested arrays for multi-row `VALUES ?`. */
export type SqlValues = Array<NonNullable<unknown> | null | undefined>;

/** The one call the data layer needs, counted so tests and the benchmark can see round trips. */
export interface Sql {
  query<T extends RowDataPacket[] | ResultSetHeader>(sql: string, values?: SqlValues): Promise<T>;
  readonly roundTrips: number;
}

export function countingSql(connection: PoolConnection): Sql {
  let roundTrips = 0;
  return {
    async query<T extends RowDataPacket[] | ResultSetHeader>(sql: string, values?: SqlValues) {
      roundTrips += 1;
      const [result] = await connection.query<T>(sql, values);
      return result;
    },
    get roundTrips() {
      return roundTrips;
    },
  };
}

/**
 * Runs `work` in one transaction on one connection: commits if it resolves, rolls back if it
 * throws, always gives the connection back. Returns what `work` returned and the round trips.
 */
export async function withTransaction<T>(
  pool: Pool,
  work: (sql: Sql) => Promise<T>,
): Promise<{ result: T; roundTrips: number }> {
  const connection = await pool.getConnection();
  const sql = countingSql(connection);
  try {
    await sql.query('START TRANSACTION');
    const result = await work(sql);
    await sql.query('COMMIT');
    return { result, roundTrips: sql.roundTrips };
  } catch (error) {
    // The rollback can fail too when the server is gone; the original error is the one to report.
    await connection.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    connection.release();
  }
}
