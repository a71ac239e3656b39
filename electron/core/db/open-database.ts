import type { Pool } from 'mysql2/promise';
import { clockStamp } from '../console-report';
import { OutageLog } from '../outage';
import { abortableSleep } from '../poller';
import {
  createPool,
  describeMysqlError,
  ensureDatabase,
  isTransientMysqlError,
  mysqlErrorCode,
} from './connection';
import { migrate } from './migrate';
import { MigrationError } from './migration-error';
import type { MysqlSettings } from './settings';

export interface OpenDatabaseOptions {
  retryMs: number;
  signal: AbortSignal;
  log: (line: string) => void;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told of every failed attempt (the tray shows the database as down meanwhile). */
  onFailure?: (message: string) => void;
  /** Where the user fixes the database settings, named in messages (default `--mysql-url`). */
  settingsName?: string;
}

/**
 * Connects, creates the database if needed and migrates it, retrying while MySQL is down.
 * Resolves with null if `signal` aborts first; rejects only on a schema problem (MigrationError).
 */
export async function openDatabase(
  settings: MysqlSettings,
  options: OpenDatabaseOptions,
): Promise<Pool | null> {
  const outage = new OutageLog(`MySQL at ${settings.host}:${settings.port}`);
  const sleep = options.sleep ?? abortableSleep;
  while (!options.signal.aborted) {
    let pool: Pool | null = null;
    try {
      await ensureDatabase(settings);
      pool = createPool(settings);
      await migrate(pool, options.log);
      const back = outage.success();
      if (back !== null) options.log(`${clockStamp(new Date())} ✅ ${back}`);
      return pool;
    } catch (error) {
      await pool?.end().catch(() => {});
      if (error instanceof MigrationError || !worthRetrying(error)) throw error;
      const message = describeMysqlError(error, settings, options.settingsName);
      options.onFailure?.(message);
      const line = outage.failure(message);
      if (line !== null) {
        options.log(
          `${clockStamp(new Date())} ❌ ${line}. Retrying every ${options.retryMs / 1000} s until it answers.`,
        );
      }
      await sleep(options.retryMs, options.signal);
    }
  }
  return null;
}

/** A server that is down, or that refuses us until the admin fixes a grant, is worth waiting for. */
function worthRetrying(error: unknown): boolean {
  const code = mysqlErrorCode(error);
  return (
    isTransientMysqlError(error) ||
    code === 'ER_ACCESS_DENIED_ERROR' ||
    code === 'ER_DBACCESS_DENIED_ERROR'
  );
}
