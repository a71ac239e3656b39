import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { migrate } from '../../electron/core/db/migrate';
import { MigrationError } from '../../electron/core/db/migration-error';
import { MIGRATIONS } from '../../electron/core/db/migrations';
import { parseDevicePayload } from '../../electron/core/payload';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

async function columns(table: string): Promise<string[]> {
  const rows = await db.rows<{ name: string }>(
    'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [table],
  );
  return rows.map((r) => r.name);
}

/** The older dashboard's tables: no totals, no snapshots, MACs as the devices spelt them. */
async function createLegacyDashboardTables(): Promise<void> {
  await db.pool.query(`
    CREATE TABLE routers (
      id INT AUTO_INCREMENT PRIMARY KEY,
      name VARCHAR(100) NOT NULL,
      ip_address VARCHAR(45),
      mac_address VARCHAR(17),
      brand VARCHAR(50),
      location VARCHAR(100),
      created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
    ) DEFAULT CHARSET=latin1`);
  await db.pool.query(`
    CREATE TABLE bandwidth_logs (
      id INT AUTO_INCREMENT PRIMARY KEY,
      router_id INT,
      download_mbps FLOAT,
      upload_mbps FLOAT,
      latency_ms FLOAT,
      timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
      FOREIGN KEY (router_id) REFERENCES routers(id)
    ) DEFAULT CHARSET=latin1`);
  await db.pool.query(
    `INSERT INTO routers (name, ip_address, mac_address, brand, location) VALUES
       ('Living Room AP', '10.0.0.2', 'aa-bb-cc-dd-ee-01', 'Ubiquiti', 'Home'),
       ('Manual entry', '10.0.0.9', NULL, 'Other', 'Shed')`,
  );
  await db.pool.query(
    'INSERT INTO bandwidth_logs (router_id, download_mbps, upload_mbps, latency_ms) VALUES (1, 100, 20, 3), (2, 50, 10, 7)',
  );
}

describe('migrations', () => {
  it('create the design tables on an empty database and record each version once', async () => {
    const log: string[] = [];
    expect(await migrate(db.pool, (line) => log.push(line))).toEqual(
      MIGRATIONS.map((m) => m.version),
    );
    expect(log).toHaveLength(MIGRATIONS.length);
    expect(await columns('routers')).toEqual(
      expect.arrayContaining([
        'id',
        'name',
        'ip_address',
        'mac_address',
        'brand',
        'location',
        'total_rx_bytes',
        'total_tx_bytes',
        'last_bandwidth_update',
      ]),
    );
    expect(await columns('bandwidth_snapshots')).toEqual([
      'id',
      'router_id',
      'rx_bytes_total',
      'tx_bytes_total',
      'rx_bytes_diff',
      'tx_bytes_diff',
      'is_reset',
      'uptime',
      'timestamp',
      'is_glitch',
      'is_counter_reset',
    ]);
    expect(await columns('bandwidth_logs')).toEqual([
      'id',
      'router_id',
      'download_mbps',
      'upload_mbps',
      'latency_ms',
      'timestamp',
    ]);
    expect(await migrate(db.pool)).toEqual([]);
    const versions = await db.rows<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it("upgrade the older dashboard's routers and bandwidth_logs in place, keeping their rows", async () => {
    await createLegacyDashboardTables();
    await migrate(db.pool);

    const routers = await db.rows<Record<string, unknown>>(
      'SELECT id, name, mac_address, total_rx_bytes, last_bandwidth_update FROM routers ORDER BY id',
    );
    expect(routers).toEqual([
      {
        id: 1,
        name: 'Living Room AP',
        mac_address: 'AA:BB:CC:DD:EE:01',
        total_rx_bytes: '0',
        last_bandwidth_update: null,
      },
      {
        id: 2,
        name: 'Manual entry',
        mac_address: null,
        total_rx_bytes: '0',
        last_bandwidth_update: null,
      },
    ]);
    const logs = await db.rows<Record<string, unknown>>(
      'SELECT router_id, download_mbps FROM bandwidth_logs ORDER BY id',
    );
    expect(logs).toEqual([
      { router_id: 1, download_mbps: 100 },
      { router_id: 2, download_mbps: 50 },
    ]);

    // The upgraded tables take the collector's writes: same router row, emoji-safe.
    const recorder = new CycleRecorder(db.pool);
    const payload = parseDevicePayload([
      { name: 'Living Room AP 📡', mac: 'AA:BB:CC:DD:EE:01', rx_bytes: 5000, tx_bytes: 2000 },
    ]);
    await recorder.record(payload.devices, new Date());
    const [upgraded] = await db.rows<Record<string, unknown>>(
      'SELECT id, name, total_rx_bytes FROM routers WHERE mac_address = ?',
      ['AA:BB:CC:DD:EE:01'],
    );
    expect(upgraded).toEqual({ id: 1, name: 'Living Room AP 📡', total_rx_bytes: '5000' });

    // Their narrower columns were widened: a long name and a figure past FLOAT's range, which
    // the parser lets through, no longer make MySQL refuse the whole cycle.
    const long = `Rack ${'x'.repeat(200)}`;
    const wide = parseDevicePayload([
      { name: long, mac: 'AA:BB:CC:DD:EE:01', rx_bytes: 6000, tx_bytes: 2500, xput_down: 1e300 },
      { name: 'Office', mac: 'AA:BB:CC:DD:EE:02', brand: 'b'.repeat(90), rx_bytes: 1, tx_bytes: 1 },
    ]);
    await recorder.record(wide.devices, new Date(Date.now() + 60_000));
    const widened = await db.rows<Record<string, unknown>>(
      'SELECT name, brand, total_rx_bytes FROM routers WHERE mac_address LIKE ? ORDER BY mac_address',
      ['AA:BB:CC:DD:EE:0_'],
    );
    expect(widened).toEqual([
      { name: long, brand: 'Ubiquiti', total_rx_bytes: '6000' },
      { name: 'Office', brand: 'b'.repeat(90), total_rx_bytes: '1' },
    ]);
    const [log] = await db.rows<{ download_mbps: number }>(
      'SELECT download_mbps FROM bandwidth_logs WHERE download_mbps > 1e299',
    );
    expect(log?.download_mbps).toBe(1e300);
  });

  it('refuse, with what to do, a legacy table where one MAC has several rows', async () => {
    await createLegacyDashboardTables();
    await db.pool.query(
      "INSERT INTO routers (name, mac_address) VALUES ('Duplicate', 'AA:BB:CC:DD:EE:01')",
    );
    const failure = migrate(db.pool);
    await expect(failure).rejects.toThrow(MigrationError);
    await expect(migrate(db.pool)).rejects.toThrow(
      /AA:BB:CC:DD:EE:01 \(ids 1, 3\).*Merge or delete the extra rows/,
    );
  });

  it('refuse a database whose schema is newer than the app', async () => {
    await migrate(db.pool);
    await db.pool.query(
      "INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')",
    );
    await expect(migrate(db.pool)).rejects.toThrow(
      `the database uses schema version 999, newer than this app knows (${MIGRATIONS.at(-1)?.version})`,
    );
  });

  it('refuse a registry whose versions do not increase', async () => {
    const [first, second] = MIGRATIONS;
    if (first === undefined || second === undefined) throw new Error('registry too short');
    await expect(migrate(db.pool, () => {}, [second, first])).rejects.toThrow(/not after 2/);
  });
});
