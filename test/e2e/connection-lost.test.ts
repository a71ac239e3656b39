// The browser view when its collector stops: the open page says its figures are not live,
// instead of showing the last ones with green dots. Real collector, MariaDB and Chromium.
import { rmSync } from 'node:fs';
import type { Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium } from '../support/browser';
import { type CollectorRun, startCollector } from '../support/collector-process';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { buildRenderer } from '../support/renderer-build';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const missing = chromiumMissing();
let db: TestDatabase;
let server: DeviceServer;
let collector: CollectorRun;
let browser: Browser;
let rendererDir: string;

describe('the browser view when the collector stops', () => {
  beforeAll(async () => {
    if (missing !== null) return;
    rendererDir = buildRenderer();
    db = await createTestDatabase();
    let n = 0;
    server = await startDeviceServer(() => {
      n += 1;
      return {
        devices: [
          { name: 'Office AP', mac: '02:00:00:00:00:0A', rx_bytes: n * 1000, tx_bytes: n * 500 },
        ],
      };
    });
    collector = startCollector(
      ['--api-url', server.url, '--mysql-url', db.url, '--interval', '0.3', '--ui-port', '0'],
      { BT_RENDERER_DIR: rendererDir },
    );
    await collector.waitFor(/^Browser view: http:\/\/127\.0\.0\.1:\d+\//);
    await collector.waitFor(/^📈 Updated/, 2);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    if (missing !== null) return;
    await browser?.close();
    collector?.child.kill('SIGKILL');
    await server?.close();
    await db?.drop();
    if (rendererDir) rmSync(rendererDir, { recursive: true, force: true });
  });

  it('says the figures are not live, with a reload, once the collector is gone', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const baseUrl = /Browser view: (http:\/\/127\.0\.0\.1:\d+)\//.exec(collector.stdout)?.[1];
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/`);
    await expect.poll(() => page.getByText('Office AP').count(), { timeout: 10_000 }).toBe(1);
    const banner = page.getByTestId('connection-lost');
    // Live: no banner, even after the grace period.
    await page.waitForTimeout(3_500);
    expect(await banner.count()).toBe(0);

    collector.child.kill('SIGKILL');
    await collector.exited;
    await expect.poll(() => banner.count(), { timeout: 15_000 }).toBe(1);
    expect(await banner.textContent()).toMatch(
      /^Bandwidth Tracker does not answer since .+: the figures on this page are not live\. Start it again, then reload\./,
    );
    expect(await banner.getByRole('button', { name: 'Reload' }).count()).toBe(1);
    await page.close();
  }, 60_000);
});
