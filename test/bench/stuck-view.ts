// npx tsx test/bench/stuck-view.ts [--devices N] [--seconds S]: the collector's resident memory
// while one browser view of its --ui server stops reading events (a frozen tab, a stuck
// socket). Runs the real collector against the local MariaDB in a throwaway database and prints
// its RSS every 10 s, then whether the server dropped the stuck view.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { startCollector } from '../support/collector-process';
import { startDeviceServer } from '../support/device-server';
import { createTestDatabase } from '../support/test-database';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const deviceCount = arg('devices', 500);
const seconds = arg('seconds', 60);
/** `--no-stuck`: the same run without the stuck view, for the baseline. */
const withStuckView = !process.argv.includes('--no-stuck');

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1000;

const db = await createTestDatabase();
let tick = 0;
const devices = await startDeviceServer(() => {
  tick += 1;
  return {
    devices: Array.from({ length: deviceCount }, (_, i) => ({
      name: `Access point ${i}`,
      mac: `AA:BB:CC:${[i >> 16, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`,
      rx_bytes: 1_000_000 * tick + i,
      tx_bytes: 500_000 * tick + i,
      uptime: 1000 + tick,
    })),
  };
});
const collector = startCollector([
  '--api-url',
  devices.url,
  '--mysql-url',
  db.url,
  '--interval',
  '1',
  '--ui-port',
  '0',
  '--quiet',
]);
try {
  await collector.waitFor(/^Browser view: http:\/\/127\.0\.0\.1:\d+\//, 1, 60_000);
  await collector.waitFor(/^📈 Updated/, 2, 60_000);
  const base = /Browser view: (http:\/\/127\.0\.0\.1:\d+)\//.exec(collector.stdout)?.[1] ?? '';
  const page = await (await fetch(`${base}/`)).text();
  const token = /name="bt-ui-token" content="([^"]+)"/.exec(page)?.[1] ?? '';
  const { port } = new URL(base);
  const stuck = connect(Number(port), '127.0.0.1');
  stuck.write(
    `GET /api/events?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  // The headers arrive, then this view reads nothing more.
  stuck.once('data', () => stuck.pause());
  stuck.on('error', () => {});
  if (!withStuckView) stuck.destroy();
  // A view that reads, to count what the server sends each view.
  let sentToEachView = 0;
  const reading = connect(Number(port), '127.0.0.1');
  reading.write(
    `GET /api/events?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  reading.on('data', (chunk: Buffer) => {
    sentToEachView += chunk.length;
  });
  const started = Date.now();
  const pid = collector.child.pid ?? 0;
  const samples: Array<[number, number]> = [[0, rssMb(pid)]];
  let droppedAfter: number | null = null;
  while (Date.now() - started < seconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const at = Math.round((Date.now() - started) / 1000);
    if (droppedAfter === null && /Dropped a browser view/.test(collector.stdout)) droppedAfter = at;
    if (at % 10 === 0) samples.push([at, rssMb(pid)]);
  }
  const cycles = collector.stdout.match(/^📈 Updated/gm)?.length ?? 0;
  console.log(
    `${deviceCount} devices, 1 s interval, ${cycles} cycles, ${withStuckView ? 'one view stuck' : 'no stuck view'}; RSS of the collector (MB):`,
  );
  for (const [at, mb] of samples) console.log(`  ${String(at).padStart(3)} s  ${mb.toFixed(1)}`);
  const first = samples[0]?.[1] ?? 0;
  const last = samples.at(-1)?.[1] ?? 0;
  console.log(`growth ${(last - first).toFixed(1)} MB over ${seconds} s`);
  console.log(`events sent to each view: ${(sentToEachView / 1e6).toFixed(1)} MB`);
  reading.destroy();
  console.log(
    /Dropped a browser view/.test(collector.stdout)
      ? `the stuck view was dropped after about ${droppedAfter} s: ${/Dropped a browser view.*$/m.exec(collector.stdout)?.[0]}`
      : 'the stuck view was never dropped',
  );
  stuck.destroy();
} finally {
  collector.child.kill('SIGTERM');
  await collector.exited;
  await devices.close();
  await db.drop();
}
