import { randomBytes } from 'node:crypto';
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import { createPool } from '../../electron/core/db/connection';
import { type MysqlSettings, parseMysqlUrl } from '../../electron/core/db/settings';

/** The server the tests use; every test file makes its own database on it and drops it after. */
export const TEST_SERVER_URL = process.env.BT_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

export interface TestDatabase {
  settings: MysqlSettings;
  url: string;
  /** A pool with the app's own options (exact BIGINTs, UTC). */
  pool: Pool;
  rows<T = RowDataPacket>(sql: string, values?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** A connection to the test server without a database, for creating and dropping them. */
export function adminConnection(): Promise<mysql.Connection> {
  const server = parseMysqlUrl(TEST_SERVER_URL);
  return mysql.createConnection({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
  });
}

/** A fresh, empty database with a unique name; `drop()` removes it. Never touches bandwidth_tracker. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = parseMysqlUrl(TEST_SERVER_URL);
  const name = `bt_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const settings: MysqlSettings = { ...server, database: name };
  const admin = await adminConnection();
  try {
    await admin.query('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [
      name,
    ]);
  } finally {
    await admin.end();
  }
  const pool = createPool(settings);
  const auth =
    server.password === '' ? server.user : `${server.user}:${encodeURIComponent(server.password)}`;
  return {
    settings,
    url: `mysql://${auth}@${server.host}:${server.port}/${name}`,
    pool,
    async rows<T>(sql: string, values?: unknown[]) {
      const [result] = await pool.query(sql, values);
      return result as T[];
    },
    async drop() {
      await pool.end();
      const cleanup = await adminConnection();
      try {
        await cleanup.query('DROP DATABASE IF EXISTS ??', [name]);
      } finally {
        await cleanup.end();
      }
    },
  };
}
