// Retention and the rollup backfill, run by the real collector process on its own: nothing in
// the test calls them. A database from before the rollups, with rows past --keep-raw-days, must
// be folded and pruned within seconds of start, and its totals must not move.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/db/migrate';
import { MIGRATIONS } from '../../electron/core/db/migrations';
import { writerLockName } from '../../electron/core/db/writer-lock';
import { startCollector } from '../support/collector-process';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { adminConnection, createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let server: DeviceServer;

beforeEach(async () => {
  db = await createTestDatabase();
  let polls = 0;
  server = await startDeviceServer(() => {
    polls += 1;
    return {
      devices: [
        { name: 'New AP', mac: 'AA:00:00:00:00:02', rx_bytes: 1000 * polls, tx_bytes: 10 * polls },
      ],
    };
  });
});
afterEach(async () => {
  await server.close();
  await db.drop();
});

const DAY = 86_400_000;

/** Sums of one router's diffs in a table, as strings (exact). */
async function sums(table: string, routerId: number) {
  const column = table === 'bandwidth_snapshots' ? 'rx_bytes_diff' : 'rx_bytes';
  const txColumn = table === 'bandwidth_snapshots' ? 'tx_bytes_diff' : 'tx_bytes';
  const [row] = await db.rows<{ rx: string | null; tx: string | null }>(
    `SELECT CAST(SUM(${column}) AS CHAR) AS rx, CAST(SUM(${txColumn}) AS CHAR) AS tx FROM ${table} WHERE router_id = ?`,
    [routerId],
  );
  return { rx: row?.rx ?? '0', tx: row?.tx ?? '0' };
}

/**
 * The schema of the older dashboard (before the rollups) holding one router with ten snapshots,
 * six of them 45 days old and four 2 days old, and legacy log rows 40, 35 and 3 days old.
 */
async function legacyDatabaseWithOldRows() {
  await migrate(db.pool, () => {}, MIGRATIONS.slice(0, 3));
  const now = Date.now();
  const snapshots = Array.from({ length: 10 }, (_, i) => {
    const age = i < 6 ? 45 * DAY - i * 3_600_000 : 2 * DAY - i * 3_600_000;
    return [1, 1000 + i * 100, 500 + i * 7, 100 * (i + 1), 7 * (i + 1), 0, new Date(now - age)];
  });
  const rxTotal = snapshots.reduce((sum, row) => sum + Number(row[3]), 0);
  const txTotal = snapshots.reduce((sum, row) => sum + Number(row[4]), 0);
  await db.pool.query(
    'INSERT INTO routers (id, name, mac_address, total_rx_bytes, total_tx_bytes) VALUES (1, ?, ?, ?, ?)',
    ['Old AP', 'AA:00:00:00:00:01', rxTotal, txTotal],
  );
  await db.pool.query(
    'INSERT INTO bandwidth_snapshots (router_id, rx_bytes_total, tx_bytes_total, rx_bytes_diff, tx_bytes_diff, is_reset, timestamp) VALUES ?',
    [snapshots],
  );
  await db.pool.query(
    'INSERT INTO bandwidth_logs (router_id, download_mbps, upload_mbps, latency_ms, timestamp) VALUES ?',
    [[40, 35, 3].map((age) => [1, 100, 20, 4, new Date(now - age * DAY)])],
  );

  return { now, rxTotal, txTotal };
}

describe('housekeeping in the collector', () => {
  it('folds pre-rollup snapshots, then prunes rows past --keep-raw-days, totals unchanged', async () => {
    const { now, rxTotal, txTotal } = await legacyDatabaseWithOldRows();
    const run = startCollector([
      '--api-url',
      server.url,
      '--mysql-url',
      db.url,
      '--interval',
      '0.2',
      '--keep-raw-days',
      '30',
      '--quiet',
    ]);
    try {
      await run.waitFor(/^🧹 Pruned rows past their retention: /, 1, 20_000);
      // Every pre-rollup snapshot folded before the old ones went, in one batch.
      expect(run.stdout).toContain('🗄️  Building history rollups from 10 existing snapshot id(s)…');
      expect(run.stdout).toMatch(/^🗄️ {2}Rollups: 10 \/ 10 snapshot ids \(100 %\)$/m);
      expect(run.stdout).toMatch(
        /^🧹 Pruned rows past their retention: 6 bandwidth_snapshots, 2 bandwidth_logs$/m,
      );
      const cutoff = new Date(now - 30 * DAY);
      const [old] = await db.rows<{ snapshots: number; logs: number }>(
        `SELECT (SELECT COUNT(*) FROM bandwidth_snapshots WHERE timestamp < ?) AS snapshots,
                (SELECT COUNT(*) FROM bandwidth_logs WHERE timestamp < ?) AS logs`,
        [cutoff, cutoff],
      );
      expect(old).toEqual({ snapshots: '0', logs: '0' });
      // The recent rows stay: the 4 recent snapshots of Old AP and its recent log row.
      expect(
        await db.rows('SELECT COUNT(*) AS n FROM bandwidth_snapshots WHERE router_id = 1'),
      ).toEqual([{ n: '4' }]);
      // The history holds all ten snapshots' traffic in every rollup, and the totals never moved.
      const expected = { rx: String(rxTotal), tx: String(txTotal) };
      expect(await sums('bandwidth_hourly', 1)).toEqual(expected);
      expect(await sums('bandwidth_daily', 1)).toEqual(expected);
      expect(await sums('bandwidth_monthly', 1)).toEqual(expected);
      expect(
        await db.rows(
          'SELECT CAST(total_rx_bytes AS CHAR) AS rx, CAST(total_tx_bytes AS CHAR) AS tx FROM routers WHERE id = 1',
        ),
      ).toEqual([expected]);
      // Polling went on meanwhile.
      await run.waitFor(/^📈 Updated bandwidth tracking for 1 device\(s\)$/, 3, 10_000);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    }
  }, 60_000);

  it('leaves the rows alone while another copy writes, and takes over housekeeping with the lock', async () => {
    await legacyDatabaseWithOldRows();
    // Another copy holds the writer lock: this collector only reads.
    const other = await adminConnection();
    const lock = writerLockName(db.settings.database);
    await other.query('SELECT GET_LOCK(?, 0)', [lock]);
    const run = startCollector([
      '--api-url',
      server.url,
      '--mysql-url',
      db.url,
      '--interval',
      '0.2',
      '--keep-raw-days',
      '30',
      '--quiet',
    ]);
    try {
      await run.waitFor(/👀 Another copy is writing to this database/, 1, 20_000);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(run.stdout).not.toMatch(/🧹|Building history rollups/u);
      expect(await db.rows('SELECT COUNT(*) AS n FROM bandwidth_hourly')).toEqual([{ n: '0' }]);
      expect(await db.rows('SELECT COUNT(*) AS n FROM bandwidth_snapshots')).toEqual([{ n: '10' }]);
      expect(await db.rows('SELECT COUNT(*) AS n FROM bandwidth_logs')).toEqual([{ n: '3' }]);
      // The other copy stops: this one becomes the writer and does the housekeeping.
      await other.end();
      await run.waitFor(/✍️ This copy is now the writer for this database\./, 1, 20_000);
      await run.waitFor(
        /^🧹 Pruned rows past their retention: 6 bandwidth_snapshots, 2 bandwidth_logs$/,
        1,
        20_000,
      );
      expect(
        await db.rows('SELECT COUNT(*) AS n FROM bandwidth_snapshots WHERE router_id = 1'),
      ).toEqual([{ n: '4' }]);
    } finally {
      await other.end().catch(() => {});
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    }
  }, 60_000);
});
