// npm run bench: measures the poll cycle function, the real collector process end to end (with a
// floor measured in the same run), the naive per-device path of the original design,
// history queries over a generated year, and the collector process memory. Prints one JSON line per
// figure, then a table. Runs against the local MariaDB in throwaway databases.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { createPool } from '../../electron/core/db/connection';
import { migrate } from '../../electron/core/db/migrate';
import { type MysqlSettings, parseMysqlUrl } from '../../electron/core/db/settings';
import { parseJsonExact } from '../../electron/core/exact-json';
import { queryHistory } from '../../electron/core/history-query';
import { parseDevicePayload } from '../../electron/core/payload';
import type { HistoryRequest } from '../../shared/ipc-contract';
import { payloadText } from './bench-payload';
import { benchRender } from './render-bench';

const SERVER = parseMysqlUrl(process.env.BT_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test');
const quick = process.argv.includes('--quick');
/** `--only=cycle,history,process,render` runs a subset. */
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wanted = (part: string) => only === undefined || only.includes(part);
/** `--process-cycles=N`: the 10,000-device process run stops after N cycles (memory read at 100 and N). */
const processCycles = Number(
  process.argv.find((a) => a.startsWith('--process-cycles='))?.slice('--process-cycles='.length) ??
    1000,
);
const figures: Array<Record<string, string | number>> = [];

function report(figure: Record<string, string | number>): void {
  figures.push(figure);
  console.log(JSON.stringify(figure));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

async function withDatabase<T>(
  label: string,
  work: (pool: Pool, settings: MysqlSettings) => Promise<T>,
): Promise<T> {
  const name = `bt_bench_${label}_${process.pid}`;
  const admin = await mysql.createConnection({
    host: SERVER.host,
    port: SERVER.port,
    user: SERVER.user,
    password: SERVER.password,
  });
  await admin.query('DROP DATABASE IF EXISTS ??', [name]);
  await admin.query('CREATE DATABASE ?? CHARACTER SET utf8mb4', [name]);
  const settings = { ...SERVER, database: name };
  const pool = createPool(settings);
  try {
    await migrate(pool);
    return await work(pool, settings);
  } finally {
    await pool.end();
    await admin.query('DROP DATABASE IF EXISTS ??', [name]);
    await admin.end();
  }
}

async function benchBatchedCycle(devices: number, cycles: number): Promise<number> {
  return withDatabase(`cycle${devices}`, async (pool) => {
    const recorder = new CycleRecorder(pool);
    // Cycles start now, as in production: a cycle older than the database's last hourly fold
    // takes the rare late path, which would be measured instead of the usual one.
    const base = Math.floor(Date.now() / 60_000) * 60_000;
    const times: number[] = [];
    const parseTimes: number[] = [];
    let trips = 0;
    for (let cycle = 0; cycle < cycles + 2; cycle += 1) {
      const text = payloadText(devices, cycle);
      const started = performance.now();
      const parsed = parseDevicePayload(parseJsonExact(text));
      const parsedAt = performance.now();
      const recorded = await recorder.record(parsed.devices, new Date(base + cycle * 60_000));
      const elapsed = performance.now() - started;
      // The first two cycles insert the routers and set baselines: warm-up, not measured.
      if (cycle >= 2) {
        times.push(elapsed);
        parseTimes.push(parsedAt - started);
        trips = Math.max(trips, recorded.roundTrips);
      }
    }
    const median = percentile(times, 50);
    report({
      figure: 'cycle_batched',
      devices,
      cycles,
      median_ms: round(median),
      p95_ms: round(percentile(times, 95)),
      parse_median_ms: round(percentile(parseTimes, 50)),
      round_trips: trips,
      per_device_us: round((median * 1000) / devices, 1),
    });
    return median;
  });
}

/** The original design: per device one upsert, one snapshot insert, one totals update, one log insert. */
async function benchNaiveCycle(devices: number, cycles: number): Promise<number> {
  return withDatabase(`naive${devices}`, async (pool) => {
    const connection = await pool.getConnection();
    const previous = new Map<number, [bigint, bigint]>();
    const times: number[] = [];
    try {
      for (let cycle = 0; cycle < cycles + 1; cycle += 1) {
        const text = payloadText(devices, cycle);
        const started = performance.now();
        const parsed = parseDevicePayload(parseJsonExact(text));
        for (const device of parsed.devices) {
          const r = device.identity;
          const [upsert] = await connection.query<mysql.ResultSetHeader>(
            `INSERT INTO routers (mac_address, name, ip_address, brand, location) VALUES (?, ?, ?, ?, ?)
             ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), name = VALUES(name), ip_address = VALUES(ip_address)`,
            [r.mac, r.name, r.ip, r.brand, r.location],
          );
          const id = upsert.insertId;
          const counters = device.counters;
          if (counters === null) continue;
          const before = previous.get(id);
          let rxDiff = 0n;
          let txDiff = 0n;
          let reset = false;
          if (before !== undefined) {
            reset = counters.rxBytes < before[0] || counters.txBytes < before[1];
            if (!reset) {
              rxDiff = counters.rxBytes - before[0];
              txDiff = counters.txBytes - before[1];
            }
          }
          previous.set(id, [counters.rxBytes, counters.txBytes]);
          await connection.query(
            'INSERT INTO bandwidth_snapshots (router_id, rx_bytes_total, tx_bytes_total, rx_bytes_diff, tx_bytes_diff, is_reset, timestamp) VALUES (?, ?, ?, ?, ?, ?, NOW())',
            [id, counters.rxBytes, counters.txBytes, rxDiff, txDiff, reset],
          );
          await connection.query(
            'UPDATE routers SET total_rx_bytes = total_rx_bytes + ?, total_tx_bytes = total_tx_bytes + ?, last_bandwidth_update = NOW() WHERE id = ?',
            [rxDiff, txDiff, id],
          );
          await connection.query(
            'INSERT INTO bandwidth_logs (router_id, download_mbps, upload_mbps, latency_ms, timestamp) VALUES (?, ?, ?, ?, NOW())',
            [
              id,
              device.throughput.downloadMbps,
              device.throughput.uploadMbps,
              device.throughput.latencyMs,
            ],
          );
        }
        if (cycle >= 1) times.push(performance.now() - started);
      }
    } finally {
      connection.release();
    }
    const median = percentile(times, 50);
    report({
      figure: 'cycle_naive',
      devices,
      cycles,
      median_ms: round(median),
      p95_ms: round(percentile(times, 95)),
      round_trips: devices * 4,
      per_device_us: round((median * 1000) / devices, 1),
    });
    return median;
  });
}

/** 100 routers: a year of rollups and `snapshotDays` of 1-minute snapshots, generated server-side. */
async function generateYear(
  pool: Pool,
  routers: number,
  snapshotDays: number,
  now: Date,
): Promise<void> {
  const values = Array.from({ length: routers }, (_, i) => [
    `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
    `Router ${i}`,
  ]);
  await pool.query('INSERT INTO routers (mac_address, name) VALUES ?', [values]);
  const end = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  const hours = 366 * 24;
  const started = performance.now();
  await pool.query(
    `INSERT INTO bandwidth_hourly (hour_start, router_id, rx_bytes, tx_bytes, resets, samples)
     SELECT ? - INTERVAL (s.seq - 1) HOUR, r.id, 50000000 + (s.seq * 7919 + r.id * 104729) % 90000000,
            20000000 + (s.seq * 3571 + r.id * 7727) % 30000000, (s.seq + r.id) % 500 = 0, 60
       FROM seq_1_to_${hours} s CROSS JOIN routers r`,
    [end],
  );
  for (const [table, column, unit] of [
    ['bandwidth_daily', 'day', 'DATE(hour_start)'],
    ['bandwidth_monthly', 'month', "DATE_FORMAT(hour_start, '%Y-%m-01')"],
  ]) {
    await pool.query(
      `INSERT INTO ${table} (${column}, router_id, rx_bytes, tx_bytes, resets, samples)
       SELECT ${unit} AS unit_start, router_id, SUM(rx_bytes), SUM(tx_bytes), SUM(resets), SUM(samples)
         FROM bandwidth_hourly WHERE hour_start < ? GROUP BY unit_start, router_id`,
      [end],
    );
  }
  // Every generated hour before the current one is folded, as a running collector leaves it.
  await pool.query('UPDATE rollup_state SET daily_through = ?', [end]);
  const minutes = snapshotDays * 24 * 60;
  const chunk = 24 * 60;
  for (let offset = 0; offset < minutes; offset += chunk) {
    await pool.query(
      `INSERT INTO bandwidth_snapshots (router_id, rx_bytes_total, tx_bytes_total, rx_bytes_diff, tx_bytes_diff, is_reset, uptime, timestamp)
       SELECT r.id, 5000000000 + s.seq * 1000, 2000000000 + s.seq * 400, 1000, 400, 0, s.seq * 60, ? - INTERVAL s.seq MINUTE
         FROM seq_${offset + 1}_to_${Math.min(offset + chunk, minutes)} s CROSS JOIN routers r`,
      [end],
    );
  }
  const [[count]] = await pool.query<RowDataPacket[]>(
    'SELECT COUNT(*) AS n FROM bandwidth_snapshots',
  );
  console.error(
    `generated ${count?.n} snapshots and ${hours * routers} hourly rows in ${round((performance.now() - started) / 1000, 1)} s`,
  );
}

async function benchHistory(snapshotDays: number): Promise<void> {
  await withDatabase('history', async (pool) => {
    const now = new Date();
    await generateYear(pool, 100, snapshotDays, now);
    await pool.query('ANALYZE TABLE bandwidth_hourly, bandwidth_daily, bandwidth_monthly, routers');
    const [[one]] = await pool.query<RowDataPacket[]>('SELECT MIN(id) AS id FROM routers');
    const cases: Array<[string, HistoryRequest['range']]> = [
      ['24h_hourly', 'day'],
      ['30d_daily', 'month'],
      ['12m_monthly', 'year'],
    ];
    for (const timeZone of ['UTC', 'Europe/Paris']) {
      for (const [label, range] of cases) {
        for (const [who, routerIds] of [
          ['one_router', [Number(one?.id)]],
          ['all_routers', []],
        ] as const) {
          const request: HistoryRequest = { range, routerIds: [...routerIds], timeZone };
          const times: number[] = [];
          for (let i = 0; i < 22; i += 1) {
            const started = performance.now();
            await queryHistory(pool, request, now);
            if (i >= 2) times.push(performance.now() - started);
          }
          report({
            figure: 'history_query',
            query: label,
            routers: who,
            time_zone: timeZone,
            median_ms: round(percentile(times, 50)),
          });
        }
      }
    }
  });
}

/** Lines of a file read in chunks: 1,000 cycles of 10,000 lines are past the longest string. */
function countLines(path: string): number {
  const file = openSync(path, 'r');
  const chunk = Buffer.alloc(1 << 20);
  let lines = 1;
  try {
    for (;;) {
      const read = readSync(file, chunk, 0, chunk.length, null);
      if (read === 0) return lines;
      for (let i = 0; i < read; i += 1) if (chunk[i] === 10) lines += 1;
    }
  } finally {
    closeSync(file);
  }
}

/** CPU time the process used so far (user + system), in ms: less swayed by the load than wall time. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, counted in clock ticks (100 a second).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024, 1);
}

/** Builds the bundle `npm run collector` runs and returns the Node flags of that script. */
function buildCollector(): string[] {
  const built = spawnSync(process.execPath, [
    'node_modules/tsx/dist/cli.mjs',
    'electron/tools/build-collector.ts',
  ]);
  if (built.status !== 0) throw new Error(`building the collector failed: ${built.stderr}`);
  const script = JSON.parse(readFileSync('package.json', 'utf8')).scripts.collector as string;
  return (
    /node (.*?) ?dist-electron\/collector\.mjs/.exec(script)?.[1]?.split(' ').filter(Boolean) ?? []
  );
}

/** A device API on loopback serving a fresh payload per request; `onRequest` sees each one. */
async function startDeviceApi(
  devices: number,
  onRequest: (index: number) => void,
): Promise<{ url: string; close: () => void }> {
  let served = 0;
  const server = createServer((_req, res) => {
    onRequest(served);
    res.writeHead(200, { 'content-type': 'application/json' }).end(payloadText(devices, served));
    served += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
}

/**
 * The floor a cycle cannot go below on this machine, measured in the same run: fetch the same
 * answer over loopback, JSON.parse it, and write its rows with one multi-row insert.
 */
async function benchFloor(devices: number, samples: number): Promise<number> {
  return withDatabase(`floor${devices}`, async (pool) => {
    const api = await startDeviceApi(devices, () => {});
    const times: number[] = [];
    try {
      for (let i = 0; i < samples + 2; i += 1) {
        const started = performance.now();
        const text = await (await fetch(`${api.url}/api/unifi/devices`)).text();
        const items = JSON.parse(text) as Array<{ rx_bytes: number; tx_bytes: number }>;
        const rows = items.map((d, index) => [index + 1, d.rx_bytes, d.tx_bytes, 0, 0, 0]);
        await pool.query(
          'INSERT INTO bandwidth_snapshots (router_id, rx_bytes_total, tx_bytes_total, rx_bytes_diff, tx_bytes_diff, is_reset, timestamp) VALUES ?',
          [rows.map((row) => [...row, new Date()])],
        );
        if (i >= 2) times.push(performance.now() - started);
      }
    } finally {
      api.close();
    }
    const median = percentile(times, 50);
    report({ figure: 'floor', devices, median_ms: round(median), what: 'fetch+parse+1 insert' });
    return median;
  });
}

/**
 * The real collector process as users run it (`npm run collector`: the bundle, its Node flags,
 * a console line per device, written here to a file), polling back to back. A cycle's time is
 * measured from outside: the time between two requests to the device API, so fetch, parse,
 * tracking, console and the database write are all in it.
 */
async function benchProcess(
  devices: number,
  cycles: number,
  checkpoints: number[],
): Promise<{ median: number; p95: number }> {
  return withDatabase(`process${devices}`, async (_pool, settings) => {
    const flags = buildCollector();
    const arrivals: number[] = [];
    const cpu: number[] = [];
    let pid: number | undefined;
    const pending = [...checkpoints].sort((a, b) => a - b);
    const api = await startDeviceApi(devices, (index) => {
      arrivals.push(performance.now());
      cpu.push(pid === undefined ? Number.NaN : cpuMs(pid));
      // Request n+1 arrives once cycle n is written: sample the memory there.
      while (pending.length > 0 && index >= (pending[0] ?? Infinity) && pid !== undefined) {
        const after = pending.shift() ?? 0;
        report({ figure: 'process_rss', devices, after_cycles: after, rss_mb: rssMb(pid) });
      }
    });
    const profile = process.env.BT_BENCH_PROFILE;
    // Extra Node flags for an experiment (`--trace-gc`, `--heap-prof`, another heap size).
    const extraFlags = (process.env.BT_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    // BT_BENCH_LOG=FILE keeps the process's output there (with `--trace-gc`, its GC lines).
    const kept = process.env.BT_BENCH_LOG;
    const log = kept ? `${kept}.${devices}` : join(tmpdir(), `bt-bench-log-${process.pid}.txt`);
    const child = spawn(
      process.execPath,
      [
        ...flags,
        ...extraFlags,
        ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []),
        'dist-electron/collector.mjs',
        '--api-url',
        api.url,
        '--mysql-url',
        `mysql://${settings.user}@${settings.host}:${settings.port}/${settings.database}`,
        '--interval',
        '0.001',
        '--cycles',
        String(cycles),
        '--journal',
        join(tmpdir(), `bt-bench-journal-${process.pid}.jsonl`),
      ],
      { stdio: ['ignore', openSync(log, 'w'), 'inherit'] },
    );
    pid = child.pid;
    await new Promise((resolve) => child.on('exit', resolve));
    api.close();
    const lines = countLines(log);
    if (!kept) rmSync(log, { force: true });
    // The first two cycles insert the routers and set the baselines: warm-up, not measured.
    const times = arrivals.slice(3).map((at, i) => at - (arrivals[i + 2] ?? at));
    const median = percentile(times, 50);
    const p95 = percentile(times, 95);
    // From the third request (the warm-up cycles done) to the last one.
    const measured = cpu.length - 1 - 2;
    const cpuPerCycle = ((cpu.at(-1) ?? 0) - (cpu[2] ?? 0)) / measured;
    report({
      figure: 'process_cycle',
      devices,
      cycles,
      median_ms: round(median),
      p95_ms: round(p95),
      cpu_ms_per_cycle: round(cpuPerCycle, 1),
      console_lines: lines,
    });
    return { median, p95 };
  });
}

async function main(): Promise<void> {
  const cycleFunction = new Map<number, number>();
  if (wanted('cycle')) {
    const batched = cycleFunction;
    for (const devices of [100, 1000, 10_000]) {
      batched.set(
        devices,
        await benchBatchedCycle(devices, quick ? 5 : devices >= 10_000 ? 15 : 30),
      );
    }
    const naive = new Map<number, number>();
    for (const devices of [100, 1000])
      naive.set(devices, await benchNaiveCycle(devices, quick ? 1 : 3));
    for (const devices of [100, 1000]) {
      const ratio = (naive.get(devices) ?? 0) / (batched.get(devices) ?? 1);
      report({ figure: 'batched_speedup', devices, times_faster: round(ratio, 1) });
    }
  }
  if (wanted('history')) await benchHistory(quick ? 3 : 90);
  if (wanted('process')) {
    for (const devices of [1000, 10_000]) {
      const floor = await benchFloor(devices, quick ? 5 : 20);
      const checkpoints =
        devices >= 10_000
          ? quick
            ? [10, 20]
            : // 100, then every quarter of the run: flat or not is seen, not guessed.
              [...new Set([100, ...[1, 2, 3, 4].map((q) => Math.round((processCycles * q) / 4))])]
                .filter((n) => n >= 100)
                .sort((a, b) => a - b)
          : [];
      // One cycle past the last checkpoint: its request is when the checkpoint's cycle is done.
      const cycles =
        Math.max(quick ? 20 : devices >= 10_000 ? processCycles : 300, ...checkpoints) + 1;
      const { median, p95 } = await benchProcess(devices, cycles, checkpoints);
      const fn = cycleFunction.get(devices);
      report({
        figure: 'process_vs',
        devices,
        process_median_ms: round(median),
        floor_ratio: round(median / floor, 2),
        p95_floor_ratio: round(p95 / floor, 2),
        // The machine is shared: its load says how far the absolute figures can be trusted.
        load_1min: round(loadavg()[0] ?? 0),
        ...(fn === undefined
          ? {}
          : { cycle_function_ms: round(fn), process_to_function: round(median / fn, 2) }),
      });
    }
  }

  if (wanted('render')) {
    for (const devices of quick ? [10_000] : [1000, 10_000]) {
      await withDatabase(`render${devices}`, async (_pool, settings) => {
        const api = await startDeviceApi(devices, () => {});
        try {
          const figures = await benchRender(devices, api.url, settings);
          if (typeof figures === 'string') console.error(`Skipped the render figures: ${figures}`);
          else {
            const rounded = Object.entries(figures).map(([k, v]) => [k, round(v, 1)]);
            report({ figure: 'render', routers: devices, ...Object.fromEntries(rounded) });
          }
        } finally {
          api.close();
        }
      });
    }
  }

  console.log('\nfigure                 detail                               value');
  for (const f of figures) {
    const { figure, ...rest } = f;
    const detail = Object.entries(rest)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    console.log(`${String(figure).padEnd(22)} ${detail}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
