// The popover with more routers than a cycle event lists (LIVE_EVENT_ROUTERS): it shows the
// busiest ones, says how many more there are, and keeps the shown rows current by asking for
// them after each cycle. Real collector, real MariaDB, real device API, real Chromium.
import type { Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_EVENT_ROUTERS } from '../../shared/ipc-contract';
import { formatBytes } from '../../shared/units';
import { chromiumMissing, launchChromium } from '../support/browser';
import { collectorCycles, startCollectorView, stopBrowserView } from '../support/browser-view';
import type { CollectorRun } from '../support/collector-process';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { ManyRouters } from '../support/many-routers';
import { buildRenderer } from '../support/renderer-build';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const missing = chromiumMissing();
const ROUTERS = LIVE_EVENT_ROUTERS + 100;
const network = new ManyRouters(ROUTERS, '00', 1_000_000_000);

let db: TestDatabase;
let server: DeviceServer;
let collector: CollectorRun;
let browser: Browser;
let baseUrl: string;
let rendererDir: string;

function cycles(count: number): Promise<void> {
  return collectorCycles(collector, count);
}

describe(`popover with more than ${LIVE_EVENT_ROUTERS} routers (Chromium)`, () => {
  beforeAll(async () => {
    if (missing !== null) return;
    rendererDir = buildRenderer();
    db = await createTestDatabase();
    server = await startDeviceServer(() => ({ devices: network.payload() }));
    ({ collector, baseUrl } = await startCollectorView(
      ['--api-url', server.url, '--mysql-url', db.url, '--interval', '1', '--quiet'],
      rendererDir,
    ));
    await cycles(2);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    if (missing !== null) return;
    await stopBrowserView({ browser, collector, servers: [server], db, dirs: [rendererDir] });
  });

  it('shows the busiest routers, says how many more, and keeps the shown rows current', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const page = await browser.newPage({ viewport: { width: 400, height: 560 } });
    try {
      await page.goto(`${baseUrl}/popover.html`);
      const rows = page.locator('.router-row');
      await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(LIVE_EVENT_ROUTERS);
      await expect
        .poll(() => page.locator('.more-routers').textContent())
        .toContain('100 more router(s)');
      // Busiest first: the last router of the list the source sends.
      const top = rows.first();
      expect(await top.getAttribute('title')).toMatch(/^Router 599 /);
      // The events list no rows (more routers than LIVE_EVENT_ROUTERS): the page asks for
      // the rows it shows after each cycle. Once the counters stand still, the top row shows
      // every counted poll: 600 MB received each after the first, nothing sent.
      const today = top.locator('.router-row__today-rx');
      const before = await today.textContent();
      await cycles(2);
      const frozenAt = network.freeze();
      await cycles(2);
      const expected = formatBytes((frozenAt - 1) * 600 * 1_000_000);
      expect(expected).not.toBe(before);
      await expect.poll(() => today.textContent(), { timeout: 15_000 }).toBe(expected);
      expect(await top.locator('.router-row__today-tx').textContent()).toBe('0 B');
      expect(await rows.nth(LIVE_EVENT_ROUTERS - 1).getAttribute('title')).toMatch(/^Router 100 /);
    } finally {
      await page.close();
    }
  }, 120_000);
});
