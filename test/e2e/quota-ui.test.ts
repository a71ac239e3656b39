// The quota pages in Chromium against the collector's browser view: the popover's bars, the
// Settings form (inline validation, saving to MySQL) and the history's monthly markers.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium } from '../support/browser';
import { collectorCycles, startCollectorView, stopBrowserView } from '../support/browser-view';
import type { CollectorRun } from '../support/collector-process';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { buildRenderer } from '../support/renderer-build';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const SCREENSHOTS = 'test-results/screenshots';
const missing = chromiumMissing();
/** A billing day five days ago, so a period boundary falls inside the month view. */
const BILLING_DAY = new Date(Date.now() - 5 * 86_400_000).getUTCDate();

let rx = 0n;
let db: TestDatabase;
let server: DeviceServer;
let collector: CollectorRun;
let browser: Browser;
let baseUrl: string;
let rendererDir: string;

function cycles(count: number): Promise<void> {
  return collectorCycles(collector, count);
}

async function openPage(
  path: string,
  colorScheme: 'light' | 'dark' = 'light',
  width = 400,
  height = 700,
): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width, height },
    colorScheme,
    timezoneId: 'UTC',
  });
  await page.goto(`${baseUrl}${path}`);
  return page;
}

describe('quotas in the pages (Chromium, real MariaDB, real device API)', () => {
  beforeAll(async () => {
    if (missing !== null) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    rendererDir = buildRenderer();
    db = await createTestDatabase();
    server = await startDeviceServer(() => ({
      devices: [{ name: 'Gateway', mac: 'AA:BB:CC:00:00:10', rx_bytes: rx, tx_bytes: 0n }],
    }));
    ({ collector, baseUrl } = await startCollectorView(
      [
        '--api-url',
        server.url,
        '--mysql-url',
        db.url,
        '--interval',
        '0.3',
        '--quota',
        `wan=1GB@${BILLING_DAY}`,
      ],
      rendererDir,
      { TZ: 'UTC' },
    ));
    await cycles(1);
    // 850 MB in one poll, then the counters stand still: 85 % of the quota.
    rx = 850_000_000n;
    await cycles(2);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    if (missing !== null) return;
    await stopBrowserView({ browser, collector, servers: [server], db, dirs: [rendererDir] });
  });

  it('shows each quota in the popover as a bar with used, left, days left and the forecast', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    for (const scheme of ['light', 'dark'] as const) {
      const page = await openPage('/', scheme);
      const bar = page.getByTestId('quota-bar');
      await expect.poll(() => bar.count()).toBe(1);
      expect(await bar.locator('.quota-bar__title').textContent()).toBe(
        'Internet · 1.00 GB monthly',
      );
      const figures = (await bar.locator('.quota-bar__figures').textContent()) ?? '';
      expect(figures).toMatch(
        /^850\.00 MB used · 150\.00 MB left · forecast [\d.]+ [MGT]B by \d+ \w+( \(over\))?$/,
      );
      expect(await bar.locator('.quota-bar__days').textContent()).toMatch(
        /^85 % · \d+ days? left$/,
      );
      expect(await bar.getAttribute('class')).toMatch(/quota-bar--(warn|over)/);
      const fill = await bar
        .locator('.quota-bar__fill')
        .evaluate((el) => (el as HTMLElement).style.width);
      expect(fill).toBe('85%');
      // The forecast says how it is made, on hover and to screen readers.
      const forecast = bar.locator('.quota-bar__forecast-text');
      expect(await forecast.getAttribute('title')).toMatch(/^Forecast: half the last 3 days/);
      const describedBy = await forecast.getAttribute('aria-describedby');
      expect(await page.locator(`#${describedBy}`).textContent()).toMatch(
        /^Forecast: half the last 3 days/,
      );
      // The muted figures keep AA contrast (4.5:1) on the page in this theme.
      const ratio = await bar.locator('.quota-bar__figures').evaluate((el) => {
        const rgb = (css: string) => (css.match(/\d+/g) ?? []).slice(0, 3).map(Number);
        const lum = (c: number[]) => {
          const [r, g, b] = c.map((v) => {
            const s = v / 255;
            return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
        };
        const fg = lum(rgb(getComputedStyle(el).color));
        const bg = lum(rgb(getComputedStyle(document.body).backgroundColor));
        return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      });
      expect(ratio).toBeGreaterThanOrEqual(4.5);
      await page.screenshot({ path: `${SCREENSHOTS}/popover-quota-${scheme}.png` });
      await page.close();
    }
  });

  it('validates a quota in Settings as it is typed, saves it to MySQL and removes it', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const page = await openPage('/settings.html', 'light', 700, 1400);
    const form = page.getByRole('form', { name: 'Quota' });
    await expect.poll(() => page.getByTestId('quota-item').count()).toBe(1);
    await form.getByLabel('Counts').fill('Gateway');
    await form.getByLabel('Size').fill('lots');
    await form.getByLabel('Announce at (%)').fill('80, ninety');
    await form.getByRole('button', { name: 'Save quota' }).click();
    const size = form.getByLabel('Size');
    expect(await size.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#quota-size-message').textContent()).toMatch(
      /^Write a size with a decimal unit/,
    );
    expect(await page.locator('#quota-thresholds-message').textContent()).toMatch(
      /"ninety" is not a percentage/,
    );
    // Fixed as it is typed: the message goes without another save.
    await size.fill('20GB');
    expect(await size.getAttribute('aria-invalid')).toBe('false');
    expect(await page.locator('#quota-size-message').textContent()).toBe(
      'Decimal units: 500GB, 1TB',
    );
    await form.getByLabel('Announce at (%)').fill('50, 100');
    await form.getByLabel('Period').selectOption('day');
    await form.getByLabel('Traffic').selectOption('down');
    await form.getByRole('button', { name: 'Save quota' }).click();
    await expect.poll(() => page.getByTestId('quota-item').count()).toBe(2);
    const rows = await db.rows<{
      target: string;
      size_bytes: string;
      period: string;
      direction: string;
      thresholds: string;
    }>(
      "SELECT target, size_bytes, period, direction, thresholds FROM quotas WHERE target = 'Gateway'",
    );
    expect(rows).toEqual([
      {
        target: 'Gateway',
        size_bytes: '20000000000',
        period: 'day',
        direction: 'down',
        thresholds: '50,100',
      },
    ]);
    await page.screenshot({ path: `${SCREENSHOTS}/settings-quotas.png`, fullPage: true });

    const offline = page.getByLabel('Announce a router offline after (polls)');
    await offline.fill('0');
    await page.getByRole('button', { name: 'Save alert setting' }).click();
    expect(await offline.getAttribute('aria-invalid')).toBe('true');
    await offline.fill('5');
    await page.getByRole('button', { name: 'Save alert setting' }).click();
    await expect
      .poll(
        async () =>
          (await db.rows<{ n: number }>('SELECT offline_polls AS n FROM alert_settings'))[0]?.n,
      )
      .toBe(5);

    await page
      .getByTestId('quota-item')
      .filter({ hasText: 'Gateway' })
      .getByRole('button', { name: 'Remove' })
      .click();
    await expect.poll(() => page.getByTestId('quota-item').count()).toBe(1);
    expect(await db.rows("SELECT id FROM quotas WHERE target = 'Gateway'")).toEqual([]);
    await page.close();
  });

  it('marks the quota periods and draws the quota line on the monthly view only', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const page = await openPage('/history.html', 'light', 1100, 900);
    const quotaPixels = () =>
      page.getByTestId('history-canvas').evaluate((canvas) => {
        const c = canvas as HTMLCanvasElement;
        const data =
          c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
        let count = 0;
        // --ok in the light theme, #177a41: the usage line (nothing else on the chart is green).
        for (let i = 0; i < data.length; i += 4) {
          if (data[i] === 0x17 && data[i + 1] === 0x7a && data[i + 2] === 0x41) count += 1;
        }
        return count;
      });
    await expect.poll(() => page.getByTestId('history-canvas').count()).toBe(1);
    expect(await page.getByTestId('quota-legend').count()).toBe(0);
    expect(await quotaPixels()).toBe(0);

    await page
      .getByLabel('Last 30 days')
      .check()
      .catch(async () => {
        await page.locator('input[name="range"][value="month"]').check();
      });
    const legend = page.getByTestId('quota-legend');
    await expect.poll(() => legend.count()).toBe(1);
    await expect.poll(() => legend.textContent()).toContain('A new period starts on');
    const text = (await legend.textContent()) ?? '';
    expect(text).toMatch(
      /^Internet quota: 1\.00 GB \(dashed line\); the solid line is the traffic of the routers shown since the period started\. A new period starts on .+ \(dotted lines\)\.$/,
    );
    expect(text).toContain(` ${BILLING_DAY}`);
    await expect.poll(quotaPixels).toBeGreaterThan(200);
    await page.screenshot({ path: `${SCREENSHOTS}/history-quota-month.png` });
    await page.close();
  });
});
