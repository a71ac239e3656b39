// The hostile-source suite: the real collector process against a MariaDB server of the test's
// own and a device API that attacks it (endless body, gzip bomb, huge Retry-After, values out
// of every column's range, MAC collisions, a cycle above max_allowed_packet, a poisoned
// journal). Each attack ends with exact totals for the good devices and recording going on.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorRun, startCollector } from '../support/collector-process';
import { toJson } from '../support/device-server';
import { PrivateMariaDb, privateMariaDbUnavailable } from '../support/private-mariadb';
import { ScriptedNetwork } from '../support/scripted-network';
import { until } from '../support/until';

const unavailable = privateMariaDbUnavailable();
let server: PrivateMariaDb | null = null;
let dir: string;
let databaseCount = 0;
/** One row per attack, printed at the end: the table of the note. */
const table: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bt-hostile-'));
  if (unavailable === null) server = await PrivateMariaDb.create();
}, 60_000);
afterAll(async () => {
  await server?.destroy();
  rmSync(dir, { recursive: true, force: true });
  if (table.length > 0) {
    console.log(
      [
        '| attack | result | bytes lost | peak memory |',
        '| --- | --- | --- | --- |',
        ...table,
      ].join('\n'),
    );
  }
});

type Attack = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The device API: answers from the scripted network, except for the requests an attack takes
 * over (those move the network no step: a poll that got nothing counts nothing).
 */
interface HostileApi {
  url: string;
  requests: number;
  /** Request number → what to do instead of answering; null for a normal answer. */
  attack: (request: number) => Attack | null;
  /** Rewrites a normal answer's devices (values out of range, MAC collisions). */
  extra: (devices: Array<Record<string, unknown>>, request: number) => unknown[];
  /** JSON text of devices to add as they are (too deep for JSON.stringify to write). */
  extraRaw: (request: number) => string | null;
  close(): Promise<void>;
}

async function startHostileApi(network: ScriptedNetwork): Promise<HostileApi> {
  const api: Omit<HostileApi, 'url' | 'close'> = {
    requests: 0,
    attack: () => null,
    extra: (devices) => devices,
    extraRaw: () => null,
  };
  const httpServer: Server = createServer((req, res) => {
    const request = api.requests;
    api.requests += 1;
    const attack = api.attack(request);
    if (attack !== null) {
      attack(req, res);
      return;
    }
    const answer = network.respond();
    const devices = 'devices' in answer ? (answer.devices as Array<Record<string, unknown>>) : [];
    const text = toJson(api.extra(devices, request));
    const raw = api.extraRaw(request);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(raw === null ? text : `${text.slice(0, -1)},${raw}]`);
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return Object.assign(api, {
    url: `http://127.0.0.1:${port}`,
    close() {
      httpServer.closeAllConnections();
      return new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  }) as HostileApi;
}

/** Streams spaces after `[` for as long as the client reads. */
const endlessBody: Attack = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('[');
  const chunk = Buffer.alloc(1 << 20, 0x20);
  const pump = () => {
    while (!res.destroyed && res.write(chunk)) {}
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
};

/** 3 MB on the wire that inflate to 3 GB: 30 gzip members of 100 MB of spaces each. */
let bomb: Buffer | null = null;
function gzipBomb(): Attack {
  bomb ??= Buffer.concat(Array(30).fill(gzipSync(Buffer.alloc(100_000_000, 0x20), { level: 9 })));
  const body = bomb;
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(body);
  };
}

interface Setup {
  db: PrivateMariaDb;
  database: string;
  network: ScriptedNetwork;
  api: HostileApi;
  journal: string;
  start(extra?: string[]): CollectorRun;
}

async function setup(ctx: { skip: (note: string) => void }, routers = 6): Promise<Setup> {
  if (server === null) {
    ctx.skip(`the hostile-source suite needs a private MariaDB server: ${unavailable}`);
    throw new Error('unreachable');
  }
  databaseCount += 1;
  const database = `bt_hostile_${databaseCount}`;
  // No reboots: the attacks, not the reset rule, are what is tested here.
  const network = new ScriptedNetwork(routers, 1_000_000);
  const api = await startHostileApi(network);
  const journal = join(dir, `${database}.jsonl`);
  const db = server;
  return {
    db,
    database,
    network,
    api,
    journal,
    start: (extra = []) =>
      startCollector([
        '--api-url',
        api.url,
        '--mysql-url',
        db.url(database),
        '--interval',
        '0.05',
        '--timeout',
        '5',
        '--quiet',
        '--journal',
        journal,
        ...extra,
      ]),
  };
}

async function query(s: Setup, sql: string): Promise<RowDataPacket[]> {
  const connection = await mysql.createConnection({
    host: '127.0.0.1',
    port: s.db.port,
    user: 'root',
    database: s.database,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  try {
    const [rows] = await connection.query<RowDataPacket[]>(sql);
    return rows;
  } finally {
    await connection.end();
  }
}

async function recordedCycles(s: Setup): Promise<number> {
  try {
    const [row] = await query(s, 'SELECT COUNT(*) AS n FROM poll_cycles');
    return Number(row?.n ?? 0);
  } catch {
    return 0;
  }
}

/** Peak resident memory of a process so far (VmHWM), in MB. */
function peakMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return Math.round(kb / 1024);
}

/** A few more cycles written after the attack: recording goes on. */
async function expectRecordingContinues(s: Setup, run: CollectorRun): Promise<void> {
  const before = await recordedCycles(s);
  await until('recording to go on', async () => (await recordedCycles(s)) >= before + 3, 60_000);
  expect(run.child.exitCode).toBeNull();
}

/**
 * Stops the traffic, lets three more readings be written, stops the collector (SIGTERM) and
 * compares every good router's totals and snapshot diffs with the traffic it produced.
 */
async function stopAndExpectExact(s: Setup, run: CollectorRun): Promise<string> {
  s.network.settle();
  const served = s.network.served;
  await until('three readings after the traffic stopped', () => s.network.served >= served + 3);
  const cycles = await recordedCycles(s);
  await until('them to be written', async () => (await recordedCycles(s)) >= cycles + 2);
  const peak = peakMb(run.child.pid);
  run.child.kill('SIGTERM');
  expect(await run.exited).toBe(0);
  const stored = await query(
    s,
    `SELECT r.mac_address AS mac, r.total_rx_bytes AS total_rx, r.total_tx_bytes AS total_tx,
            COALESCE(SUM(sn.rx_bytes_diff), 0) AS diff_rx, COALESCE(SUM(sn.tx_bytes_diff), 0) AS diff_tx,
            COALESCE(SUM(sn.is_reset), 0) AS resets
       FROM routers r LEFT JOIN bandwidth_snapshots sn ON sn.router_id = r.id
      GROUP BY r.id`,
  );
  const byMac = new Map(stored.map((row) => [String(row.mac), row]));
  let checked = 0n;
  for (const truth of s.network.truth()) {
    const row = byMac.get(truth.mac);
    checked += truth.rx + truth.tx;
    expect({
      mac: truth.mac,
      totalRx: String(row?.total_rx),
      diffRx: String(row?.diff_rx),
      totalTx: String(row?.total_tx),
      diffTx: String(row?.diff_tx),
      resets: Number(row?.resets),
    }).toEqual({
      mac: truth.mac,
      totalRx: String(truth.rx),
      diffRx: String(truth.rx),
      totalTx: String(truth.tx),
      diffTx: String(truth.tx),
      resets: 0,
    });
  }
  expect(checked).toBeGreaterThan(0n);
  return `${checked.toLocaleString('en-US')} bytes checked, 0 lost|${peak} MB`;
}

function report(attack: string, result: string, figures: string): void {
  const [lost, peak] = figures.split('|');
  table.push(`| ${attack} | ${result} | ${lost} | ${peak} |`);
}

describe('hostile device API, real collector', () => {
  it('an endless body: cut off at the limit, an outage, memory bounded', async (ctx) => {
    const s = await setup(ctx);
    s.api.attack = (n) => (n >= 8 && n < 12 ? endlessBody : null);
    const run = s.start();
    try {
      await run.waitFor(/❌ .*larger than the limit of 64 MB \(as sent\).*--max-response-mb/);
      await run.waitFor(/✅ .*back/);
      await expectRecordingContinues(s, run);
      const figures = await stopAndExpectExact(s, run);
      const peak = Number(figures.split('|')[1]?.replace(' MB', ''));
      expect(peak).toBeLessThan(300);
      report('endless body (4 polls)', 'source outage at 64 MB, then recording', figures);
    } finally {
      run.child.kill('SIGKILL');
      await s.api.close();
    }
  }, 180_000);

  it('a gzip bomb: 3 MB inflating to 3 GB stops at the limit once inflated', async (ctx) => {
    const s = await setup(ctx);
    const attack = gzipBomb();
    s.api.attack = (n) => (n >= 8 && n < 10 ? attack : null);
    const run = s.start();
    try {
      await run.waitFor(/❌ .*larger than the limit of 64 MB \(decompressed\)/);
      await expectRecordingContinues(s, run);
      const figures = await stopAndExpectExact(s, run);
      expect(Number(figures.split('|')[1]?.replace(' MB', ''))).toBeLessThan(300);
      report('gzip bomb, 3 MB → 3 GB (2 polls)', 'source outage at 64 MB inflated', figures);
    } finally {
      run.child.kill('SIGKILL');
      await s.api.close();
    }
  }, 180_000);

  it('a Retry-After of three years is capped at an hour, logged, and not a request burst', async (ctx) => {
    const s = await setup(ctx);
    // A 500 first, so the 429 comes in the middle of an outage (whose line is already out).
    s.api.attack = (n) => {
      if (n === 7) return (_req, res) => res.writeHead(500).end('down');
      if (n === 8) return (_req, res) => res.writeHead(429, { 'retry-after': '99999999' }).end();
      return null;
    };
    let run = s.start();
    try {
      await run.waitFor(/❌ .*answered HTTP 500/);
      await run.waitFor(
        /⏸️ .*polling pauses for 3600 s \(it asked for 99,999,999 s: capped at 60 minutes\)/,
      );
      const after = s.api.requests;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      // Before the cap, Node fired the too-long timer at once: thousands of requests here.
      expect(s.api.requests).toBe(after);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      // Restarted (rather than waiting the hour), it resumes from the stored counters.
      run = s.start();
      await expectRecordingContinues(s, run);
      const figures = await stopAndExpectExact(s, run);
      report(
        '429, Retry-After 99,999,999 s',
        'paused 1 h (capped, logged), 0 requests in 3 s',
        figures,
      );
    } finally {
      run.child.kill('SIGKILL');
      await s.api.close();
    }
  }, 120_000);

  it('values out of every column’s range: only the bad devices are skipped', async (ctx) => {
    const s = await setup(ctx);
    const long = 'x'.repeat(10_000);
    const bad = (i: number, fields: Record<string, unknown>) => ({
      name: `Bad ${i}`,
      mac: `02:BA:D0:00:00:${i.toString(16).padStart(2, '0')}`,
      rx_bytes: 1,
      tx_bytes: 1,
      ...fields,
    });
    const poison = [
      bad(1, { rx_bytes: 2n ** 64n }),
      bad(2, { tx_bytes: -1 }),
      bad(3, { uptime: '1e30' }),
      bad(4, { uptime: 2 ** 60 }),
      bad(5, { xput_down: '1e400', xput_up: -1e308, latency: 'NaN' }),
      bad(6, { name: long, ip: long, brand: long, location: long, model: long }),
      bad(7, { rx_bytes: '18446744073709551616', 'rx_bytes-r': 1e308 }),
      bad(8, { mac: 'ZZ:ZZ:ZZ:ZZ:ZZ:ZZ' }),
    ];
    const deep = toJson(bad(9, {})).replace(
      /}$/,
      `,"deep":${'['.repeat(5_000)}${']'.repeat(5_000)}}`,
    );
    const attacked = (n: number) => n >= 5 && n < 15;
    s.api.extra = (devices, n) => (attacked(n) ? [...devices, ...poison] : devices);
    s.api.extraRaw = (n) => (attacked(n) ? deep : null);
    const run = s.start();
    try {
      await run.waitFor(/⚠️ Skipped Bad 3: uptime is out of range/);
      await run.waitFor(/⚠️ Skipped Bad 9: has data nested more than 64 levels deep/);
      await until('the attack to be over', () => s.api.requests > 16);
      await expectRecordingContinues(s, run);
      const figures = await stopAndExpectExact(s, run);
      // The long names were clipped to their columns, not a reason to lose the cycle.
      const [clipped] = await query(
        s,
        "SELECT CHAR_LENGTH(name) AS n, CHAR_LENGTH(ip_address) AS ip FROM routers WHERE mac_address = '02:BA:D0:00:00:06'",
      );
      expect(clipped).toMatchObject({ n: 255, ip: 45 });
      expect(run.stdout).not.toMatch(/Could not save this cycle|REFUSED/);
      report(
        'out-of-range counters, uptime, rates, latency, 10,000-char texts, bad MAC, 5,000-deep field',
        'bad devices skipped and named, texts clipped, every cycle written',
        figures,
      );
    } finally {
      run.child.kill('SIGKILL');
      await s.api.close();
    }
  }, 120_000);

  it('two devices claiming one MAC: neither counted, one line naming both, totals exact', async (ctx) => {
    const s = await setup(ctx);
    s.api.extra = (devices, n) => {
      if (n < 6 || n >= 14) return devices;
      const victim = devices[0] ?? {};
      // A clone of router 0 with other counters, in alternating order (the 500× inflation).
      const clone = { ...victim, name: 'Clone', rx_bytes: 7n, tx_bytes: 7n, uptime: 5 };
      return n % 2 === 0 ? [clone, ...devices] : [...devices, clone];
    };
    const run = s.start();
    try {
      await run.waitFor(
        /⚠️ Skipped MAC 02:00:00:00:00:00: is claimed by "(Clone" and "Scripted 0|Scripted 0" and "Clone)": neither is counted this cycle/,
      );
      await until('the attack to be over', () => s.api.requests > 15);
      await expectRecordingContinues(s, run);
      const figures = await stopAndExpectExact(s, run);
      report(
        'two devices with one MAC, alternating order (8 polls)',
        'neither counted those polls, one line each, no false reset',
        figures,
      );
    } finally {
      run.child.kill('SIGKILL');
      await s.api.close();
    }
  }, 120_000);

  it('a cycle above max_allowed_packet is split and written in one transaction', async (ctx) => {
    const s = await setup(ctx, 1_500);
    const admin = await mysql.createConnection({
      host: '127.0.0.1',
      port: s.db.port,
      user: 'root',
    });
    const [[original]] = await admin.query<RowDataPacket[]>(
      'SELECT @@GLOBAL.max_allowed_packet AS p',
    );
    await admin.query('SET GLOBAL max_allowed_packet = 65536');
    const run = s.start();
    try {
      await until('cycles written', async () => (await recordedCycles(s)) >= 5, 60_000);
      await expectRecordingContinues(s, run);
      const figures = await stopAndExpectExact(s, run);
      expect(run.stdout).not.toMatch(/Could not save this cycle|REFUSED/);
      report(
        '1,500 routers, max_allowed_packet lowered to 64 KB (cycle ≈ 4× that)',
        'split into statements that fit, every cycle written',
        figures,
      );
    } finally {
      run.child.kill('SIGKILL');
      await admin.query('SET GLOBAL max_allowed_packet = ?', [Number(original?.p)]);
      await admin.end();
      await s.api.close();
    }
  }, 180_000);

  it('poisoned journal lines are moved aside on start, the rest recorded', async (ctx) => {
    const s = await setup(ctx);
    const at = new Date().toISOString();
    const device = (mac: unknown) => [
      mac,
      'Ghost',
      null,
      null,
      null,
      '10',
      '10',
      5,
      null,
      null,
      null,
    ];
    writeFileSync(
      s.journal,
      [
        JSON.stringify({
          id: 'bad-date',
          at: '2024-99-99T00:00:00Z',
          devices: [device('02:00:00:00:0F:01')],
        }),
        JSON.stringify({ id: 'null-mac', at, devices: [device(null)] }),
        JSON.stringify({
          id: 'huge-uptime',
          at,
          devices: [[...device('02:00:00:00:0F:02').slice(0, 7), 1e30, null, null, null]],
        }),
        '',
      ].join('\n'),
    );
    const run = s.start();
    try {
      await run.waitFor(/🛑 Journal .*: 3 damaged line\(s\) cannot be written/);
      await expectRecordingContinues(s, run);
      const figures = await stopAndExpectExact(s, run);
      const deadLetter = s.journal.replace(/\.jsonl$/, '.dead-letter.jsonl');
      expect(existsSync(deadLetter)).toBe(true);
      const aside = readFileSync(deadLetter, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(aside.map((entry) => JSON.parse(entry.cycle).id)).toEqual([
        'bad-date',
        'null-mac',
        'huge-uptime',
      ]);
      report(
        'journal with a bad date, a null MAC and uptime 1e30',
        'lines moved aside to the dead-letter file on start, recording from the first poll',
        figures,
      );
    } finally {
      run.child.kill('SIGKILL');
      await s.api.close();
    }
  }, 120_000);
});
