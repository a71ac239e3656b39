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
import { buildRenderer } from '../support/renderer-build';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const missing = chromiumMissing();
const ROUTERS = LIVE_EVENT_ROUTERS + 100;
let poll = 0;
/** The poll after which the counters stand still (set by the test), so the figures hold. */
let frozenAt: number | null = null;
/** Router i receives (i + 1) MB a poll: the last one is the busiest. */
function payload() {
  poll += 1;
  const step = Math.min(poll, frozenAt ?? poll);
  return Array.from({ length: ROUTERS }, (_, i) => ({
    name: `Router ${i}`,
    mac: `02:00:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
    rx_bytes: 1_000_000_000 + step * 1_000_000 * (i + 1),
    tx_bytes: 1_000_000_000,
  }));
}

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
    server = await startDeviceServer(() => ({ devices: payload() }));
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
      frozenAt = poll;
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
