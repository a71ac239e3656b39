import type { PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';

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
