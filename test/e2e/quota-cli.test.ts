import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCollector } from '../support/collector-process';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let server: DeviceServer;

beforeEach(async () => {
  db = await createTestDatabase();
  // 50 MB more download at every request: the first is the baseline.
  server = await startDeviceServer((n) => ({
    devices: [
      {
        name: 'Gateway',
        mac: 'AA:BB:CC:00:00:10',
        rx_bytes: BigInt(n) * 50_000_000n,
        tx_bytes: 0n,
      },
    ],
  }));
});
afterEach(async () => {
  await server.close();
  await db.drop();
});

/** The cycle (1-based, counted by its 📈 summary) each 📦 line follows. */
function quotaLinesByCycle(stdout: string): Array<[number, string]> {
  let cycle = 0;
  const found: Array<[number, string]> = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('📈 Updated')) cycle += 1;
    if (/^\[\d\d:\d\d:\d\d\] 📦 /.test(line)) found.push([cycle, line.slice(11)]);
  }
  return found;
}

it('--quota prints each threshold at the cycle that crosses it, once, across a restart', async () => {
  const args = [
    '--api-url',
    server.url,
    '--mysql-url',
    db.url,
    '--interval',
    '0.2',
    '--quota',
    'wan=500MB/day:down',
    '--quota',
    'Nowhere AP=1GB/week',
    '--quota',
    'wan@nosuchsite=2GB',
  ];
  // Counted in UTC days, so the test does not straddle the workstation's midnight by surprise.
  const env = { TZ: 'UTC' };
  const first = await runCollector([...args, '--cycles', '9'], env);
  expect(first.code).toBe(0);
  expect(first.stdout).toContain(
    '📦 Quota for wan: 500.00 MB daily download quota, days counted in UTC; announced at 80, 90, 100 %.',
  );
  expect(first.stdout).toContain(
    '📦 No router named "Nowhere AP" (or with that MAC) has been polled yet: its quota counts from when one is.',
  );
  expect(first.stdout).toContain(
    '📦 No router of site "nosuchsite" has been polled yet: its quota counts from when one is.',
  );
  const firstLines = quotaLinesByCycle(first.stdout);
  expect(firstLines.filter(([, l]) => l.includes(' % of the '))).toEqual([
    [
      9,
      expect.stringMatching(
        /^📦 Internet — 80 % of the 500\.00 MB daily download quota used \(400\.00 MB since \d+ \w+\), forecast [\d.]+ [KMGTP]?B by \d+ \w+$/,
      ),
    ],
  ]);
  // The early warning depends on the time of day here (a straight line from midnight): the
  // integration tests pin it on a clock of their own. Whenever it came, it came once.
  expect(firstLines.filter(([, l]) => l.includes('is over the')).length).toBeLessThanOrEqual(1);

  const second = await runCollector([...args, '--cycles', '3'], env);
  expect(second.code).toBe(0);
  const secondLines = quotaLinesByCycle(second.stdout);
  expect(
    secondLines.filter(([, l]) => l.includes(' % of the ')).map(([c, l]) => [c, l.slice(0, 24)]),
  ).toEqual([
    [1, '📦 Internet — 90 % of th'],
    [2, '📦 Internet — 100 % of t'],
  ]);
  const rows = await db.rows<{ kind: string; threshold: number }>(
    "SELECT kind, threshold FROM quota_announcements WHERE kind = 'threshold' ORDER BY threshold",
  );
  expect(rows.map((r) => r.threshold)).toEqual([80, 90, 100]);
  const warnings = firstLines.concat(secondLines).filter(([, l]) => l.includes('is over the'));
  expect(warnings.length).toBeLessThanOrEqual(1);
});
