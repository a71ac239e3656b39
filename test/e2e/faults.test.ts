// Fault tests with real processes: the collector CLI, a MariaDB server of the test's own that
// is stopped and started, SIGKILL, two copies on one database, a misbehaving device API.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorRun, startCollector } from '../support/collector-process';
import {
  type DeviceResponse,
  type DeviceServer,
  startDeviceServer,
} from '../support/device-server';
import { PrivateMariaDb, privateMariaDbUnavailable } from '../support/private-mariadb';
import { ScriptedNetwork } from '../support/scripted-network';
import { until } from '../support/until';

const unavailable = privateMariaDbUnavailable();
let server: PrivateMariaDb | null = null;
let dir: string;
let databaseCount = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bt-faults-'));
  if (unavailable === null) server = await PrivateMariaDb.create();
}, 60_000);
afterAll(async () => {
  await server?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** The private server, or a skip that says why there is none. */
function privateServer(ctx: { skip: (note: string) => void }): PrivateMariaDb {
  if (server === null) {
    ctx.skip(`fault tests need a private MariaDB server: ${unavailable}`);
    throw new Error('unreachable');
  }
  if (!server.running) throw new Error('the private MariaDB was left stopped by an earlier test');
  return server;
}

/** Runs a query on the private server; null while it is down. */
async function query(
  db: PrivateMariaDb,
  database: string,
  sql: string,
): Promise<RowDataPacket[] | null> {
  let connection: mysql.Connection | null = null;
  try {
    connection = await mysql.createConnection({
      host: '127.0.0.1',
      port: db.port,
      user: 'root',
      database,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    const [rows] = await connection.query<RowDataPacket[]>(sql);
    return rows;
  } catch {
    return null;
  } finally {
    await connection?.end().catch(() => {});
  }
}

async function recordedCycles(db: PrivateMariaDb, database: string): Promise<number> {
  const rows = await query(db, database, 'SELECT COUNT(*) AS n FROM poll_cycles');
  return Number(rows?.[0]?.n ?? 0);
}

function journalLines(path: string): number {
  if (!existsSync(path)) return 0;
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '').length;
}

interface Setup {
  db: PrivateMariaDb;
  database: string;
  network: ScriptedNetwork;
  devices: DeviceServer;
  journal: (name: string) => string;
  collector: (journal: string, extra?: string[], env?: Record<string, string>) => CollectorRun;
}

async function setup(ctx: { skip: (note: string) => void }, routers = 6): Promise<Setup> {
  const db = privateServer(ctx);
  databaseCount += 1;
  const database = `bt_fault_${databaseCount}`;
  const network = new ScriptedNetwork(routers);
  const devices = await startDeviceServer(network.respond);
  return {
    db,
    database,
    network,
    devices,
    journal: (name) => join(dir, `${database}-${name}.jsonl`),
    collector: (journal, extra = [], env = {}) =>
      startCollector(
        [
          '--api-url',
          devices.url,
          '--mysql-url',
          db.url(database),
          '--interval',
          '0.05',
          '--timeout',
          '2',
          '--quiet',
          '--journal',
          journal,
          ...extra,
        ],
        env,
      ),
  };
}

/**
 * Stops the script's traffic, lets the collector take a few more readings and write them,
 * then stops it (SIGTERM: it finishes its cycle and exits 0).
 */
async function settleAndStop(s: Setup, run: CollectorRun, journal: string): Promise<void> {
  s.network.settle();
  const served = s.network.served;
  await until('three readings after the traffic stopped', () => s.network.served >= served + 3);
  await until('the journal to be empty', () => journalLines(journal) === 0);
  run.child.kill('SIGTERM');
  expect(await run.exited).toBe(0);
}

/** Leaves the private server running for the next test, and nothing else behind. */
async function cleanUp(s: Setup, ...runs: Array<CollectorRun | null>): Promise<void> {
  if (!s.db.running) await s.db.start();
  for (const run of runs) run?.child.kill('SIGKILL');
  await s.devices.close();
}

interface Accounts {
  bytesChecked: bigint;
  /** Per router: [total rx, sum of rx diffs, produced rx, total tx, sum of tx diffs, produced tx, resets, reboots]. */
  rows: Array<[string, string, string, string, string, string, string, number, number]>;
}

/** The database's accounts next to the script's truth. */
async function accounts(s: Setup): Promise<Accounts> {
  const stored = await query(
    s.db,
    s.database,
    `SELECT r.mac_address AS mac, r.total_rx_bytes AS total_rx, r.total_tx_bytes AS total_tx,
            COALESCE(SUM(sn.rx_bytes_diff), 0) AS diff_rx, COALESCE(SUM(sn.tx_bytes_diff), 0) AS diff_tx,
            COALESCE(SUM(sn.is_reset), 0) AS resets
       FROM routers r LEFT JOIN bandwidth_snapshots sn ON sn.router_id = r.id
      GROUP BY r.id ORDER BY r.mac_address`,
  );
  const byMac = new Map((stored ?? []).map((row) => [String(row.mac), row]));
  let bytesChecked = 0n;
  const rows = s.network.truth().map((truth) => {
    const row = byMac.get(truth.mac);
    bytesChecked += truth.rx + truth.tx;
    return [
      truth.mac,
      String(row?.total_rx),
      String(row?.diff_rx),
      String(truth.rx),
      String(row?.total_tx),
      String(row?.diff_tx),
      String(truth.tx),
      Number(row?.resets),
      truth.reboots,
    ] as Accounts['rows'][number];
  });
  return { bytesChecked, rows };
}

/** Totals and snapshot diffs equal the traffic produced, byte for byte; every reboot flagged. */
async function expectExactAccounts(s: Setup, label: string): Promise<void> {
  const { rows, bytesChecked } = await accounts(s);
  expect(rows.length).toBeGreaterThan(0);
  for (const [mac, totalRx, diffRx, rx, totalTx, diffTx, tx, resets, reboots] of rows) {
    expect({ mac, totalRx, diffRx, totalTx, diffTx, resets }).toEqual({
      mac,
      totalRx: rx,
      diffRx: rx,
      totalTx: tx,
      diffTx: tx,
      resets: reboots,
    });
  }
  const reboots = rows.reduce((sum, row) => sum + row[8], 0);
  // The figures the issue asks for, in the test output.
  console.log(
    `${label}: ${s.network.served} readings served, ${reboots} reboots, ${bytesChecked} bytes checked, 0 bytes lost`,
  );
}

describe('faults, with real processes', () => {
  it('keeps exact totals when its MariaDB server stops mid-run and comes back', async (ctx) => {
    const s = await setup(ctx);
    const journal = s.journal('outage');
    const run = s.collector(journal);
    try {
      await until('20 cycles written', async () => (await recordedCycles(s.db, s.database)) >= 20);
      await s.db.stop();
      await run.waitFor(/Could not save this cycle: .*Cycles wait in the journal/);
      await until('30 cycles in the journal', () => journalLines(journal) >= 30);
      expect(run.child.exitCode).toBeNull();
      await s.db.start();
      await run.waitFor(/MySQL is back after/);
      await run.waitFor(/↩️ Replayed \d+ waiting cycle\(s\) from the journal/);
      await settleAndStop(s, run, journal);
      await expectExactAccounts(s, 'database outage');
    } finally {
      await cleanUp(s, run);
    }
  }, 120_000);

  it('keeps exact totals when killed with SIGKILL mid-cycle and mid-replay', async (ctx) => {
    const s = await setup(ctx, 40);
    const journal = s.journal('kill');
    let run = s.collector(journal);
    try {
      // Killed three times at arbitrary moments of its polling.
      for (const wait of [700, 450, 900]) {
        await until('a few cycles', async () => (await recordedCycles(s.db, s.database)) >= 3);
        await new Promise((resolve) => setTimeout(resolve, wait));
        run.child.kill('SIGKILL');
        await run.exited;
        run = s.collector(journal);
      }
      // Then an outage that fills the journal, and a kill as soon as the replay has begun.
      // The last copy started must be polling before the outage (one that starts while the
      // database is down waits for it instead).
      await run.waitFor(/This copy is now the writer/);
      const started = await recordedCycles(s.db, s.database);
      await until(
        'cycles before the outage',
        async () => (await recordedCycles(s.db, s.database)) >= started + 5,
      );
      const beforeOutage = await recordedCycles(s.db, s.database);
      await s.db.stop();
      await until('60 cycles in the journal', () => journalLines(journal) >= 60, 60_000);
      await s.db.start();
      let written = 0;
      await until('the replay to start', async () => {
        written = await recordedCycles(s.db, s.database);
        return written > beforeOutage && journalLines(journal) > 0;
      });
      run.child.kill('SIGKILL');
      await run.exited;
      const left = journalLines(journal);
      // Killed with cycles both written and still in the journal: in the middle of the replay.
      expect(written).toBeGreaterThan(beforeOutage);
      expect(left).toBeGreaterThan(0);

      run = s.collector(journal);
      await run.waitFor(/↩️ Replayed/);
      await settleAndStop(s, run, journal);
      await expectExactAccounts(s, 'SIGKILL ×4, once during replay');
    } finally {
      await cleanUp(s, run);
    }
  }, 180_000);

  it('lets one of two copies write, and the other takes over when the writer is killed', async (ctx) => {
    const s = await setup(ctx);
    const first = s.collector(s.journal('copy-a'), ['--interval', '0.2']);
    let second: CollectorRun | null = null;
    try {
      await first.waitFor(/This copy is now the writer/);
      second = s.collector(s.journal('copy-b'), ['--interval', '0.2']);
      await second.waitFor(/Another copy is writing to this database/);
      await until('10 cycles written', async () => (await recordedCycles(s.db, s.database)) >= 10);
      // The reader polls nothing: every reading went to the writer.
      expect(await recordedCycles(s.db, s.database)).toBeLessThanOrEqual(s.network.served);
      expect(second.stdout).not.toMatch(/Updated bandwidth tracking/);

      const killedAt = Date.now();
      first.child.kill('SIGKILL');
      await second.waitFor(/This copy is now the writer/);
      const takeover = Date.now() - killedAt;
      // Two poll intervals (0.2 s) plus the time the server takes to see the connection gone.
      expect(takeover).toBeLessThan(2 * 200 + 600);
      console.log(`writer takeover after SIGKILL: ${takeover} ms (interval 200 ms)`);
      const at = await recordedCycles(s.db, s.database);
      await until(
        'the new writer to write',
        async () => (await recordedCycles(s.db, s.database)) >= at + 5,
      );
      await settleAndStop(s, second, s.journal('copy-b'));
      await expectExactAccounts(s, 'two copies, writer killed');
    } finally {
      await cleanUp(s, first, second);
    }
  }, 120_000);

  it('keeps running through a device API that fails in every way, and honours Retry-After', async (ctx) => {
    const s = await setup(ctx);
    const faults: Array<[string, DeviceResponse]> = [
      ['HTTP 500', { status: 500, body: 'oops' }],
      ['no answer', { hang: true }],
      [
        'an HTML page',
        { status: 200, body: '<html>login</html>', headers: { 'content-type': 'text/html' } },
      ],
      ['truncated JSON', { status: 200, body: '[{"mac": "02:00:00:00:00:01", "rx_b', headers: {} }],
      ['HTTP 429', { status: 429, body: '', headers: { 'retry-after': '1' } }],
    ];
    let fault: DeviceResponse | null = null;
    const times: number[] = [];
    s.devices.respondWith(() => {
      times.push(Date.now());
      return fault ?? s.network.respond();
    });
    const journal = s.journal('source');
    const run = s.collector(journal, ['--timeout', '0.3']);
    try {
      for (const [index, [label, response]] of faults.entries()) {
        const cycles = await recordedCycles(s.db, s.database);
        await until(
          `cycles before ${label}`,
          async () => (await recordedCycles(s.db, s.database)) >= cycles + 3,
        );
        fault = response;
        const from = times.length;
        await until(`two failed polls (${label})`, () => times.length >= from + 2, 10_000);
        if (label === 'HTTP 429') {
          const gap = (times[from + 1] ?? 0) - (times[from] ?? 0);
          expect(gap).toBeGreaterThanOrEqual(1000);
          console.log(`after a 429 with Retry-After: 1 the next poll came ${gap} ms later`);
        }
        fault = null;
        await run.waitFor(/✅ The device API .* is back after/, index + 1);
        expect(run.child.exitCode).toBeNull();
      }
      // One line when each outage starts and one when it ends, not one per failed poll.
      expect(run.stdout.match(/❌ .*device API/g)).toHaveLength(faults.length);
      expect(run.stdout.match(/✅ The device API .* is back after/g)).toHaveLength(faults.length);
      await settleAndStop(s, run, journal);
      await expectExactAccounts(s, 'device API faults');
    } finally {
      await cleanUp(s, run);
    }
  }, 120_000);

  it('soaks through a simulated day of polls with reboots and two outages: exact totals, flat memory', async (ctx) => {
    // 1,440 polls: one day at one-minute polls, run at 20 ms.
    const s = await setup(ctx, 20);
    const journal = s.journal('soak');
    // A heap cap keeps the collector's garbage collector from idling on spare memory (readings
    // then show the trend, not the swing), and turns a leak into a crash.
    const run = s.collector(journal, ['--interval', '0.02'], {
      NODE_OPTIONS: '--max-old-space-size=64',
    });
    const rss = () => {
      const status = readFileSync(`/proc/${run.child.pid}/status`, 'utf8');
      return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    };
    try {
      // RSS every 100 polls; the collector's garbage collector makes single readings swing by
      // 20 MB or more either way (a database outage once dropped one reading to 94 MB among
      // 125–131), so the median of the last third is compared with the middle third's. The first third holds the warm-up and the first database outage, after which
      // RSS settles higher once (measured under Node 22: 111 MB before it, 137–140 MB from then
      // to the end); a leak keeps growing through the middle and last thirds.
      const samples: Array<[number, number]> = [];
      let nextSample = 300;
      const sampler = setInterval(() => {
        if (s.network.served < nextSample || run.child.exitCode !== null) return;
        samples.push([s.network.served, rss()]);
        nextSample += 100;
      }, 10);
      for (const [from, to] of [
        [400, 460],
        [900, 1000],
      ] as const) {
        await until(`poll ${from}`, () => s.network.served >= from, 120_000);
        await s.db.stop();
        await until(`poll ${to}`, () => s.network.served >= to, 60_000);
        await s.db.start();
      }
      await until('poll 1440', () => s.network.served >= 1440, 120_000);
      await until('the journal to drain', () => journalLines(journal) === 0, 60_000);
      clearInterval(sampler);
      const third = Math.floor(samples.length / 3);
      const median = (part: Array<[number, number]>) => {
        const sorted = part.map(([, mb]) => mb).sort((a, b) => a - b);
        return sorted[Math.floor(sorted.length / 2)] ?? 0;
      };
      const early = median(samples.slice(third, 2 * third));
      const late = median(samples.slice(-third));
      console.log(
        `soak RSS (MB) by poll: ${samples.map(([poll, mb]) => `${poll}: ${mb}`).join(', ')}; median middle ${early}, late ${late}`,
      );
      expect(late - early).toBeLessThan(20);
      await settleAndStop(s, run, journal);
      await expectExactAccounts(s, 'soak');
      expect(run.stdout.match(/↩️ Replayed/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    } finally {
      await cleanUp(s, run);
    }
  }, 300_000);
});
