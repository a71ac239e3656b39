import mysql, { type Connection, type Pool, type PoolOptions } from 'mysql2/promise';
import { describeMysqlTarget, type MysqlSettings } from './settings';

const TIME_ZONE = 'Z';

/**
 * A statement with its values written in, escaped by mysql2 exactly as `query` would. A
 * statement without values is returned as it is: mysql2's own formatting would scan a cycle's
 * megabyte of staged numbers for a `?` that is not there.
 */
export function formatSql(sql: string, values: unknown): string {
  if (values === undefined || (Array.isArray(values) && values.length === 0)) return sql;
  return mysql.format(sql, values as never, false, TIME_ZONE);
}

function connectionOptions(settings: MysqlSettings): PoolOptions {
  return {
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    charset: 'utf8mb4',
    // Counters and totals are BIGINT: without these mysql2 rounds values above 2^53.
    supportBigNumbers: true,
    bigNumberStrings: true,
    // Timestamps are written and read as UTC whatever the workstation's time zone.
    timezone: TIME_ZONE,
    connectTimeout: 10_000,
  };
}

/** Creates the database if it is missing (the user needs the CREATE privilege for that). */
export async function ensureDatabase(settings: MysqlSettings): Promise<void> {
  const connection = await mysql.createConnection(connectionOptions(settings));
  try {
    await connection.query(
      'CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
      [settings.database],
    );
  } finally {
    await connection.end();
  }
}

/** One connection of its own (the writer lock lives and dies with it). */
export function createConnection(settings: MysqlSettings): Promise<Connection> {
  return mysql.createConnection({ ...connectionOptions(settings), database: settings.database });
}

export function createPool(settings: MysqlSettings): Pool {
  const pool = mysql.createPool({
    ...connectionOptions(settings),
    database: settings.database,
    connectionLimit: 4,
    // A whole cycle (transaction, every table, commit) goes to the server in one round trip.
    // Safe because every statement takes its values as parameters, never as SQL text.
    multipleStatements: true,
    // Queue instead of failing when every connection is busy.
    waitForConnections: true,
    queryFormat: formatSql,
  });
  // Column defaults (`created_at`) take the session's clock: UTC, like every time the app
  // writes, or a server in another zone would shift "first seen" by hours.
  pool.pool.on('connection', (connection) => {
    connection.query("SET time_zone = '+00:00'", () => {});
  });
  return pool;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_NORMAL_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
]);

export function mysqlErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** True when waiting and trying again may help (server down, network, busy). */
export function isTransientMysqlError(error: unknown): boolean {
  const code = mysqlErrorCode(error);
  return code !== undefined && UNREACHABLE_CODES.has(code);
}

/** One sentence: what failed, why, and what to do. */
export function describeMysqlError(
  error: unknown,
  settings: MysqlSettings,
  where = '--mysql-url',
): string {
  const code = mysqlErrorCode(error) ?? 'error';
  const target = describeMysqlTarget(settings);
  const detail = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return `Cannot reach MySQL at ${target} (ECONNREFUSED): start the server or check ${where}`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `Cannot reach MySQL at ${target} (${code}): check the host, the network and any firewall`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Cannot resolve the MySQL host "${settings.host}" (${code}): check the host name in ${where}`;
    // MariaDB says NO_PASSWORD when none was sent.
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return `MySQL at ${target} refused user "${settings.user}" (${code}): check the user and password in ${where}`;
    case 'ER_DBACCESS_DENIED_ERROR':
      return `MySQL user "${settings.user}" may not use or create database "${settings.database}" (${code}): grant it the privileges or create the database`;
    default:
      return `MySQL at ${target} failed (${code}): ${detail}`;
  }
}
