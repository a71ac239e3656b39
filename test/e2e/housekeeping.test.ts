// Retention and the rollup backfill, run by the real collector process on its own: nothing in
// the test calls them. A database from before the rollups, with rows past --keep-raw-days, must
// be folded and pruned within seconds of start, and its totals must not move.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/db/migrate';
import { MIGRATIONS } from '../../electron/core/db/migrations';
import { startCollector } from '../support/collector-process';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

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

describe('housekeeping in the collector', () => {
  it('folds pre-rollup snapshots, then prunes rows past --keep-raw-days, totals unchanged', async () => {
    // The schema of the older dashboard (before the rollups), with 45- and 2-day-old rows.
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
});
