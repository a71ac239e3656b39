// Quota and offline notices as the tray app shows them: the real main bundle under plain Node
// with the recording stand-in for `electron` (as test/e2e/main-process.test.ts), MariaDB and a
// scripted device server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { migrate } from '../../electron/core/db/migrate';
import { setOfflinePolls, setQuota } from '../../electron/core/quotas/quota-store';
import {
  buildBundlesForTest,
  type FakeState,
  type MainRun,
  startMainProcess,
} from '../support/main-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

let bundleDir: string;
let db: TestDatabase;
let profile: string;
let run: MainRun | null = null;

beforeAll(async () => {
  bundleDir = await buildBundlesForTest();
}, 60_000);
beforeEach(async () => {
  db = await createTestDatabase();
  profile = mkdtempSync(join(tmpdir(), 'bt-alert-profile-'));
});
afterEach(async () => {
  if (run !== null) {
    run.kill();
    await run.exited;
    run = null;
  }
  await db.drop();
  rmSync(profile, { recursive: true, force: true });
});
afterAll(() => {
  if (bundleDir !== undefined) rmSync(bundleDir, { recursive: true, force: true });
});

it('one desktop notice per quota threshold, and one when a router goes offline and comes back', async () => {
  await migrate(db.pool);
  await setQuota(db.pool, {
    target: 'wan',
    sizeBytes: 500_000_000n,
    period: { kind: 'day', billingDay: 1 },
    direction: 'down',
    timeZone: 'UTC',
    thresholds: [80],
  });
  await setOfflinePolls(db.pool, 2);
  let requests = 0;
  const server: Server = createServer((_req, res) => {
    const n = requests;
    requests += 1;
    const devices: unknown[] = [
      { name: 'Gateway', mac: 'AA:BB:CC:00:00:10', rx_bytes: n * 50_000_000, tx_bytes: 0 },
    ];
    // Office AP answers, is missing from the 3rd to the 6th answer, then answers again.
    if (n < 2 || n >= 6) {
      devices.push({ name: 'Office AP', mac: 'AA:BB:CC:00:00:20', rx_bytes: 1, tx_bytes: 1 });
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(devices));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { password: _password, ...database } = db.settings;
    writeFileSync(
      join(profile, 'settings.json'),
      JSON.stringify({
        version: 1,
        source: 'seed',
        apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        intervalSeconds: 1,
        database: { ...database, password: undefined, sealedPassword: null },
        notifications: true,
        launchAtLogin: false,
      }),
    );
    const started = startMainProcess(bundleDir, {
      env: { BT_USER_DATA_DIR: profile, WAYLAND_DISPLAY: '', XDG_SESSION_TYPE: 'x11', TZ: 'UTC' },
    });
    run = started;
    await until('11 polls', () => requests >= 11, 30_000);
    const state: FakeState = await started.state();
    const titles = state.notifications.map((n) => n.title);
    expect(
      titles.filter((t) => t.startsWith('Internet: 80 % of the 500.00 MB daily download quota')),
    ).toHaveLength(1);
    const offline = state.notifications.filter((n) => n.title === 'Router offline');
    expect(offline).toHaveLength(1);
    expect(offline[0]?.body).toMatch(/^Office AP has been offline since \d\d:\d\d$/);
    const back = state.notifications.filter((n) => n.title === 'Router back online');
    expect(back).toHaveLength(1);
    expect(back[0]?.body).toMatch(/^Office AP is back online \(offline since \d\d:\d\d\)$/);
    expect(state.notifications.every((n) => n.shown)).toBe(true);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}, 90_000);
