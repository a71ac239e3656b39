// `npm run screenshots`: the README's pictures of the popover, the history and Settings, taken
// in Debian's Chromium from the demo network (13 months of history filled on first start) in a
// throwaway database. Nothing here is a test; it writes docs/screenshots/*.png.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { DEMO_SETTINGS } from '../../shared/settings';
import { launchChromium } from '../../test/support/browser';
import { buildRenderer } from '../../test/support/renderer-build';
import { BandwidthService } from '../core/bandwidth-service';
import { createCallHandlers } from '../core/call-handlers';
import { type MysqlSettings, parseMysqlUrl } from '../core/db/settings';
import { FileSettingsStore } from '../core/settings-store';
import { startUiServer } from '../core/ui-server';

const OUT = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const SERVER = process.env.BT_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const DATABASE = 'bandwidth_tracker_screenshots';

async function dropDatabase(server: MysqlSettings): Promise<void> {
  const admin = await mysql.createConnection({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
  });
  await admin.query('DROP DATABASE IF EXISTS ??', [DATABASE]);
  await admin.end();
}

async function until(check: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function main(): Promise<void> {
  const server = parseMysqlUrl(SERVER);
  const database: MysqlSettings = { ...server, database: DATABASE };
  await dropDatabase(server);
  const rendererDir = buildRenderer();
  const dir = mkdtempSync(join(tmpdir(), 'bt-screenshots-'));
  // Passwords are empty here; the box only has to round-trip.
  const box = { isAvailable: () => true, encrypt: (t: string) => t, decrypt: (t: string) => t };
  const store = new FileSettingsStore(join(dir, 'settings.json'), box);
  await store.save({ ...DEMO_SETTINGS, database });
  let cycles = 0;
  const service = new BandwidthService({
    settings: {
      apiUrl: DEMO_SETTINGS.apiUrl,
      source: { kind: 'demo' },
      intervalMs: 2_000,
      timeoutMs: 2_000,
      mysql: database,
    },
    log: (line) => {
      if (line.startsWith('Fill')) console.log(line);
    },
    quiet: true,
    singleWriter: false,
  });
  service.on('cycleCompleted', () => {
    cycles += 1;
  });
  const ui = await startUiServer({
    handlers: createCallHandlers(service, store, { openWindow: () => {} }),
    subscribe: (event, listener) => service.on(event, listener),
    staticDir: rendererDir,
    port: 0,
  });
  const browser = await launchChromium();
  try {
    service.start();
    await until(() => cycles >= 2, 'the demo history and two live polls');
    mkdirSync(OUT, { recursive: true });
    const shoot = async (path: string, name: string, width: number, height: number) => {
      const page = await browser.newPage({ viewport: { width, height }, colorScheme: 'light' });
      await page.goto(`${ui.url}${path}`);
      return { page, done: () => page.screenshot({ path: join(OUT, name) }) };
    };
    const popover = await shoot('/', 'popover.png', 380, 520);
    await popover.page.locator('.router-row').nth(11).waitFor();
    await popover.page.waitForTimeout(500);
    await popover.done();
    const history = await shoot('/history.html', 'history.png', 1100, 760);
    await history.page.getByLabel('Last 30 days').check();
    await history.page.getByTestId('summary-table').locator('tbody tr').nth(11).waitFor();
    await history.page.waitForTimeout(800);
    await history.done();
    const settings = await shoot('/settings.html', 'settings.png', 560, 900);
    await settings.page.getByRole('button', { name: 'Test connection' }).click();
    await settings.page.getByTestId('test-result').getByText('Connected').waitFor();
    await settings.done();
    console.log(`Wrote popover.png, history.png and settings.png to ${OUT}`);
  } finally {
    await browser.close();
    await service.stop();
    await ui.close();
    await dropDatabase(server);
    rmSync(dir, { recursive: true, force: true });
    rmSync(rendererDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`Screenshots failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
