import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCollector, startCollector } from '../support/collector-process';
import { designPayload, LIVING_ROOM } from '../support/design-timeline';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { adminConnection, createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let server: DeviceServer;
let step: number;

beforeEach(async () => {
  db = await createTestDatabase();
  step = 0;
  // Each request plays the next step of the design's timeline.
  server = await startDeviceServer(() => ({ devices: designPayload(step++) }));
});
afterEach(async () => {
  await server.close();
  await db.drop();
});

const STAMP = String.raw`^\[\d\d:\d\d:\d\d\] `;

describe('collector CLI, end to end', () => {
  it('plays the design timeline across a restart and loses nothing', async () => {
    const args = ['--api-url', server.url, '--mysql-url', db.url, '--interval', '0.1'];
    const first = await runCollector([...args, '--cycles', '2']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(`${STAMP}📊 Living Room AP — RX \\+1\\.00 MB, TX \\+500\\.00 KB$`, 'm'),
    );
    expect(first.stdout.match(/^📈 Updated bandwidth tracking for 2 device\(s\)$/gm)).toHaveLength(
      2,
    );
    expect(first.stdout).toContain('Stopped after 2 cycle(s).');

    // While it is stopped Living Room AP moves 2 MB / 1 MB; the restarted collector counts it at once.
    const second = await runCollector([...args, '--cycles', '3']);
    expect(second.code).toBe(0);
    const lines = second.stdout.split('\n');
    expect(
      lines.filter((l) =>
        new RegExp(`${STAMP}📊 Living Room AP — RX \\+2\\.00 MB, TX \\+1\\.00 MB$`).test(l),
      ),
    ).toHaveLength(1);
    expect(
      lines.filter((l) => new RegExp(`${STAMP}🔄 Living Room AP — counter reset`).test(l)),
    ).toHaveLength(1);
    expect(
      lines.filter((l) =>
        new RegExp(`${STAMP}📊 Living Room AP — RX \\+500\\.00 KB, TX \\+300\\.00 KB$`).test(l),
      ),
    ).toHaveLength(1);
    // Bedroom AP never moves, so it never gets a 📊 line.
    expect(first.stdout + second.stdout).not.toContain('📊 Bedroom AP');
    expect(server.requests).toBe(5);

    const snapshots = await db.rows<Record<string, string | number>>(
      `SELECT s.rx_bytes_total AS rx, s.rx_bytes_diff AS rx_diff, s.tx_bytes_diff AS tx_diff, s.is_reset AS reset
         FROM bandwidth_snapshots s JOIN routers r ON r.id = s.router_id
        WHERE r.mac_address = ? ORDER BY s.id`,
      [LIVING_ROOM.mac],
    );
    expect(snapshots).toEqual([
      { rx: '4999000000', rx_diff: '0', tx_diff: '0', reset: 0 },
      { rx: '5000000000', rx_diff: '1000000', tx_diff: '500000', reset: 0 },
      { rx: '5002000000', rx_diff: '2000000', tx_diff: '1000000', reset: 0 },
      { rx: '1200000', rx_diff: '0', tx_diff: '0', reset: 1 },
      { rx: '1700000', rx_diff: '500000', tx_diff: '300000', reset: 0 },
    ]);
    const routers = await db.rows<Record<string, string>>(
      'SELECT mac_address, total_rx_bytes, total_tx_bytes FROM routers ORDER BY mac_address',
    );
    expect(routers).toEqual([
      {
        mac_address: 'AA:BB:CC:DD:EE:01',
        total_rx_bytes: '5002500000',
        total_tx_bytes: '2001300000',
      },
      {
        mac_address: 'AA:BB:CC:DD:EE:02',
        total_rx_bytes: '3000000000',
        total_tx_bytes: '1000000000',
      },
    ]);
    const [logs] = await db.rows<{ n: string }>('SELECT COUNT(*) AS n FROM bandwidth_logs');
    expect(logs?.n).toBe('10');
  });

  it('finishes the cycle in progress on SIGTERM and exits 0', async () => {
    server.respondWith(() => ({ devices: designPayload(0) }));
    const run = startCollector([
      '--api-url',
      server.url,
      '--mysql-url',
      db.url,
      '--interval',
      '0.1',
    ]);
    await run.waitFor(/^📈 Updated bandwidth tracking/, 3);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const cycles = run.stdout.match(/^📈 Updated bandwidth tracking/gm)?.length ?? 0;
    expect(run.stdout).toContain(`Stopped after ${cycles} cycle(s).`);
    const [snapshots] = await db.rows<{ n: string }>(
      'SELECT COUNT(*) AS n FROM bandwidth_snapshots',
    );
    expect(Number(snapshots?.n)).toBe(cycles * 2);
  });

  it('keeps recording when the reader of its console goes away (| head)', async () => {
    server.respondWith(() => ({ devices: designPayload(0) }));
    const run = startCollector([
      '--api-url',
      server.url,
      '--mysql-url',
      db.url,
      '--interval',
      '0.1',
      '--cycles',
      '8',
    ]);
    await run.waitFor(/^📈 Updated bandwidth tracking/, 1);
    // The reading end of the pipe closes: the next console write fails with EPIPE.
    run.child.stdout?.destroy();
    expect(await run.exited).toBe(0);
    expect(run.stderr).toContain('the console output was closed');
    const [cycles] = await db.rows<{ n: string }>('SELECT COUNT(*) AS n FROM poll_cycles');
    expect(Number(cycles?.n)).toBe(8);
  });

  it.each([
    [['--interval', 'abc'], {}, '--interval "abc" is not a number of seconds'],
    [[], { BT_INTERVAL: '-3' }, 'BT_INTERVAL "-3"'],
    [['--mysql-url', 'mysql://root@localhost'], {}, '--mysql-url'],
    [['--cycles', 'many'], {}, '--cycles "many"'],
  ])(
    'refuses %j %j with exit code 2 and a message naming the setting',
    async (args, env, message) => {
      const result = await runCollector(args, env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('waits for MySQL with one clear message instead of crashing', async () => {
    const run = startCollector([
      '--api-url',
      server.url,
      '--mysql-url',
      'mysql://root@127.0.0.1:1/bandwidth_tracker',
      '--interval',
      '0.2',
    ]);
    await run.waitFor(
      /Cannot reach MySQL at 127\.0\.0\.1:1 \(ECONNREFUSED\): start the server or check --mysql-url\. Retrying every 0\.2 s/,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.stdout.match(/Cannot reach MySQL/g)).toHaveLength(1);
    expect(server.requests).toBe(0);
  });

  it('creates the database when it does not exist', async () => {
    const name = `${db.settings.database}_new`;
    const url = db.url.replace(/\/[^/]+$/, `/${name}`);
    const admin = await adminConnection();
    try {
      const result = await runCollector([
        '--api-url',
        server.url,
        '--mysql-url',
        url,
        '--cycles',
        '1',
      ]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Migrating database: 003 create bandwidth_snapshots');
      const [rows] = await admin.query('SELECT COUNT(*) AS n FROM ??.bandwidth_snapshots', [name]);
      expect(rows).toEqual([{ n: 2 }]);
    } finally {
      await admin.query('DROP DATABASE IF EXISTS ??', [name]);
      await admin.end();
    }
  });
});
