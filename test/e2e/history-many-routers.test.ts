// The history with more routers than it draws at once (SUMMARY_ROWS, ROUTER_CHOICES): a row and
// a checkbox per router took seconds with 10,000 routers. It draws the first rows in the
// table's order and the first choices, finds the others by name, and still counts and exports
// every router. Real collector, real MariaDB, real device API, real Chromium.
import { readFileSync } from 'node:fs';
import type { Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTER_CHOICES } from '../../renderer/history/RouterChooser';
import { SUMMARY_ROWS } from '../../renderer/history/SummaryTable';
import { chromiumMissing, launchChromium } from '../support/browser';
import { collectorCycles, startCollectorView, stopBrowserView } from '../support/browser-view';
import type { CollectorRun } from '../support/collector-process';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { ManyRouters } from '../support/many-routers';
import { buildRenderer } from '../support/renderer-build';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const missing = chromiumMissing();
const ROUTERS = 600;
const network = new ManyRouters(ROUTERS, '01', 2_000_000_000);

let db: TestDatabase;
let server: DeviceServer;
let collector: CollectorRun;
let browser: Browser;
let baseUrl: string;
let rendererDir: string;

describe(`history with ${ROUTERS} routers (Chromium)`, () => {
  beforeAll(async () => {
    if (missing !== null) return;
    rendererDir = buildRenderer();
    db = await createTestDatabase();
    server = await startDeviceServer(() => ({ devices: network.payload() }));
    ({ collector, baseUrl } = await startCollectorView(
      ['--api-url', server.url, '--mysql-url', db.url, '--interval', '1', '--quiet'],
      rendererDir,
    ));
    await collectorCycles(collector, 3);
    network.freeze();
    // The frozen counters' figures are recorded: nothing moves from here.
    await collectorCycles(collector, 2);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    if (missing !== null) return;
    await stopBrowserView({ browser, collector, servers: [server], db, dirs: [rendererDir] });
  });

  it('draws the first rows and choices, totals and exports every router, finds the others', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    try {
      // The page's answers: per-bucket sums, each router's buckets only for the CSV.
      const answers: Array<{ detail: unknown; buckets: number; sums: boolean }> = [];
      page.on('response', async (response) => {
        if (!response.url().endsWith('/api/call/getHistory')) return;
        const asked = JSON.parse(response.request().postData() ?? '{}') as {
          args?: Array<{ detail?: unknown }>;
        };
        const body = (await response.json().catch(() => null)) as {
          result?: { buckets: unknown[]; sums?: unknown };
        } | null;
        answers.push({
          detail: asked.args?.[0]?.detail,
          buckets: body?.result?.buckets.length ?? -1,
          sums: body?.result?.sums !== undefined,
        });
      });
      await page.goto(`${baseUrl}/history.html`);
      const counted = (network.frozenAt ?? 0) - 1;
      // Every router's traffic in the headline, not only the rows drawn: 1 + 2 + … + 600 MB a
      // counted poll.
      const allRx = BigInt(counted) * BigInt((ROUTERS * (ROUTERS + 1)) / 2) * 1_000_000n;
      const headline = page.getByTestId('summary-headline').locator('td').first();
      await expect
        .poll(() => headline.getAttribute('data-bytes'), { timeout: 30_000 })
        .toBe(String(allRx));

      // A row per router would be 600 rows and 601 checkboxes.
      const rows = page.getByTestId('summary-table').locator('tbody tr');
      const choices = page.locator('.history__routers input[type="checkbox"]');
      await expect.poll(() => choices.count(), { timeout: 15_000 }).toBe(ROUTER_CHOICES + 1);
      expect(await rows.count()).toBe(SUMMARY_ROWS);
      expect(await page.getByTestId('summary-count').textContent()).toBe(
        `The first ${SUMMARY_ROWS} of ${ROUTERS} routers in this order.`,
      );
      expect(await page.getByTestId('router-choices-count').textContent()).toContain(
        `${ROUTER_CHOICES} of ${ROUTERS} routers listed`,
      );
      // Sorted over every router, busiest first, exact bytes.
      expect(await rows.first().locator('th').textContent()).toBe('Router 599');
      expect(await rows.first().locator('td').first().getAttribute('data-bytes')).toBe(
        String(BigInt(counted) * 600_000_000n),
      );
      expect(await rows.last().locator('th').textContent()).toBe(
        `Router ${ROUTERS - SUMMARY_ROWS}`,
      );

      // More rows, from the keyboard.
      const more = page.getByRole('button', { name: `Show ${SUMMARY_ROWS} more` });
      await more.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => rows.count()).toBe(2 * SUMMARY_ROWS);
      expect(await rows.last().locator('th').textContent()).toBe(
        `Router ${ROUTERS - 2 * SUMMARY_ROWS}`,
      );

      // Any router by name: "Router 7" and "Router 70" to "Router 79".
      const find = page.getByLabel('Find a router in the table');
      await find.fill('router 7');
      await expect.poll(() => rows.count()).toBe(11);
      expect(await page.getByTestId('summary-count').textContent()).toBe('11 router(s) match.');
      expect(await rows.first().locator('th').textContent()).toBe('Router 79');
      await find.fill('');

      // A router past the first choices, found and charted alone.
      const findChoice = page.getByLabel('Find routers');
      await findChoice.fill('Router 42');
      // "Router 42" and "Router 420" to "Router 429", besides the headline's box.
      await expect.poll(() => choices.count()).toBe(1 + 11);
      await page.getByLabel('Router 42', { exact: true }).check();
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
      expect(await rows.first().locator('th').textContent()).toBe('Router 42');
      expect(await rows.first().locator('td').first().getAttribute('data-bytes')).toBe(
        String(BigInt(counted) * 43_000_000n),
      );
      // The choice stays listed, first, once the search is cleared.
      await findChoice.fill('');
      await expect.poll(() => choices.count()).toBe(ROUTER_CHOICES + 1);
      expect(await choices.nth(1).locator('xpath=..').textContent()).toBe('Router 42');
      expect(await choices.nth(1).isChecked()).toBe(true);

      // Back to every router: the export holds all of them, not the rows drawn.
      await choices.first().check();
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(SUMMARY_ROWS);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export CSV' }).click(),
      ]);
      const lines = readFileSync((await download.path()) ?? '', 'utf8')
        .trim()
        .split('\r\n');
      const ids = new Set(lines.slice(1).map((line) => line.split(',')[0]));
      expect(ids.size).toBe(ROUTERS);
      const rx = lines.slice(1).reduce((sum, line) => sum + BigInt(line.split(',')[4] ?? '0'), 0n);
      expect(rx).toBe(allRx);
      // Every load the page drew from carried no router's buckets; the export asked for them.
      await expect.poll(() => answers.filter((a) => a.detail !== 'sums').length).toBe(1);
      const drawn = answers.filter((a) => a.detail === 'sums');
      expect(drawn.length).toBeGreaterThan(0);
      expect(drawn.every((a) => a.buckets === 0 && a.sums)).toBe(true);
      const exported = answers.filter((a) => a.detail !== 'sums');
      expect(exported.map((a) => [a.detail, a.sums])).toEqual([['buckets', false]]);
      expect(exported[0]?.buckets).toBeGreaterThanOrEqual(ROUTERS);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('asks nothing each cycle while the window is hidden, and catches up once when shown', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    try {
      const asked: number[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/api/call/getHistory')) asked.push(Date.now());
      });
      await page.goto(`${baseUrl}/history.html`);
      await expect
        .poll(() => page.getByTestId('summary-table').locator('tbody tr').count(), {
          timeout: 30_000,
        })
        .toBe(SUMMARY_ROWS);
      // Shown: a load per cycle (1 s polls).
      const before = asked.length;
      await collectorCycles(collector, 3);
      expect(asked.length).toBeGreaterThan(before);
      const visibility = (state: 'hidden' | 'visible') =>
        page.evaluate((value) => {
          Object.defineProperty(document, 'visibilityState', {
            configurable: true,
            get: () => value,
          });
          document.dispatchEvent(new Event('visibilitychange'));
        }, state);
      await visibility('hidden');
      // A load already on its way when hidden may still come back; none starts after it.
      await collectorCycles(collector, 1);
      const hiddenFrom = asked.length;
      await collectorCycles(collector, 3);
      expect(asked.length).toBe(hiddenFrom);
      await visibility('visible');
      // Watched closely: with 1 s polls, the next cycle's reload may follow within a second.
      await expect.poll(() => asked.length, { interval: 20 }).toBe(hiddenFrom + 1);
    } finally {
      await page.close();
    }
  }, 120_000);
});
