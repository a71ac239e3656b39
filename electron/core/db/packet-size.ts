import type { RowDataPacket } from 'mysql2/promise';
import type { Statement } from './cycle-statements';
import type { Sql } from './sql';

// MySQL refuses a statement larger than its `max_allowed_packet` (ER_NET_PACKET_TOO_LARGE) and
// drops the connection. mysql2 inlines the values on the client, so the size of what is sent
// can be bounded before sending: a cycle too large for one round trip is sent in several,
// still inside its one transaction.

/** Room kept for the protocol header and our estimate's slack. */
const MARGIN_BYTES = 1_024;

/** An upper bound of a value once mysql2 has written it into the SQL text. */
function valueBytes(value: unknown): number {
  if (value === null || value === undefined) return 4;
  switch (typeof value) {
    case 'boolean':
      return 5;
    case 'number':
    case 'bigint':
      // 20 digits and a sign for 64-bit integers; `-1.2345678901234567e-308` for doubles.
      return 24;
    case 'string':
      // Every byte may need an escape, plus the quotes.
      return Buffer.byteLength(value) * 2 + 2;
    default:
      break;
  }
  if (value instanceof Date) return 27;
  if (Array.isArray(value)) {
    let total = 2;
    for (const item of value) total += valueBytes(item) + 2;
    return total;
  }
  return Buffer.byteLength(JSON.stringify(value) ?? '') * 2 + 2;
}

/** An upper bound of the statement's size as sent. */
export function statementBytes(statement: Statement): number {
  if (statement.bytes !== undefined) return statement.bytes;
  let total = Buffer.byteLength(statement.sql) + 2;
  for (const value of statement.values) total += valueBytes(value);
  return total;
}

/** The bound for one row of a multi-row `VALUES ?`. */
export function rowBytes(row: readonly unknown[]): number {
  return valueBytes(row) + 2;
}

/** Splits rows into consecutive groups whose estimated size stays within `maxBytes` (at least one row each). */
export function chunkByBytes<T>(rows: readonly T[], maxBytes: number, bytesOf: (row: T) => number) {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const row of rows) {
    const bytes = bytesOf(row);
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(row);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Groups consecutive statements into as few multi-statement round trips as fit the budget:
 * one when everything fits (the usual cycle), more only for a cycle that would not.
 */
export function packRoundTrips(statements: readonly Statement[], maxBytes: number): Statement[] {
  const groups = chunkByBytes(statements, maxBytes, statementBytes);
  return groups.map((group) =>
    group.length === 1
      ? (group[0] as Statement)
      : { sql: group.map((s) => s.sql).join(';\n'), values: group.flatMap((s) => s.values) },
  );
}

/** What one statement may take on this server: its `max_allowed_packet` less a margin. */
export async function readStatementBudget(sql: Sql): Promise<number> {
  const rows = await sql.query<RowDataPacket[]>('SELECT @@max_allowed_packet AS max_packet');
  const packet = Number(rows[0]?.max_packet ?? 0);
  // 4 MB is the smallest default of any supported server, should the variable be unreadable.
  const limit = Number.isFinite(packet) && packet > 0 ? packet : 4_194_304;
  return Math.max(limit - MARGIN_BYTES, 1_024);
}
