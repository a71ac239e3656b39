import { rmSync } from 'node:fs';
import type { Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DEVICES, rebootsBetween } from '../../electron/core/sources/demo-network';
import { chromiumMissing, launchChromium } from '../support/browser';
import { type CollectorRun, startCollector } from '../support/collector-process';
import { contrastFailures } from '../support/contrast';
import { buildRenderer } from '../support/renderer-build';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const missing = chromiumMissing();
let db: TestDatabase;
let rendererDir: string;
let browser: Browser;

function demoCollector(): CollectorRun {
  return startCollector(
    ['--source', 'demo', '--mysql-url', db.url, '--interval', '1', '--quiet', '--ui-port', '0'],
    { BT_RENDERER_DIR: rendererDir },
  );
}

async function stop(run: CollectorRun): Promise<void> {
  run.child.kill('SIGTERM');
  await run.exited;
}

describe('the demo on first start and after a restart (collector, Chromium, real MariaDB)', () => {
  beforeAll(async () => {
    if (missing !== null) return;
    rendererDir = buildRenderer();
    db = await createTestDatabase();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    if (missing !== null) return;
    await browser?.close();
    await db?.drop();
    if (rendererDir) rmSync(rendererDir, { recursive: true, force: true });
  });

  it('fills 13 months in under a minute, so the 30-day and 12-month views are full; a restart adds no reset', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const first = demoCollector();
    try {
      await first.waitFor(/^Filled the DEMO history/, 1, 120_000);
      const seconds = Number(/simulated polls in ([\d.]+) s/.exec(first.stdout)?.[1]);
      console.log(`demo history filled in ${seconds} s`);
      expect(seconds).toBeLessThan(60);
      expect(first.stdout).toMatch(/Filling the DEMO history: \d+ % \(up to \d{4}-\d{2}-\d{2}\)/);
      await first.waitFor(/^Browser view: http:\/\/127\.0\.0\.1:\d+\//);
      await first.waitFor(/^📈 Updated/, 2);
      const baseUrl = /Browser view: (http:\/\/127\.0\.0\.1:\d+)\//.exec(first.stdout)?.[1];

      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await page.goto(`${baseUrl}/history.html`);
      await page.getByText('Figures per hour').click();
      for (const [range, bucket, count] of [
        ['Last 30 days', 'day', 30],
        ['Last 12 months', 'month', 12],
      ] as const) {
        await page.getByLabel(range).check();
        await page.getByText(`Figures per ${bucket}`).click();
        const rows = page.getByTestId('bucket-table').locator('tbody tr');
        await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(count);
        // Every bucket monitored, with traffic and a measured rate.
        const rates = await rows
          .locator('td[data-mbps]')
          .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-mbps'))));
        expect(rates, range).toHaveLength(count);
        expect(
          rates.every((r) => r > 0),
          range,
        ).toBe(true);
        await page.getByText(`Figures per ${bucket}`).click();
      }
      // Tracked since the filled history starts, 13 months ago, not since the fill ran.
      const since = await page
        .getByTestId('summary-table')
        .locator('td[data-first-seen]')
        .first()
        .getAttribute('data-first-seen');
      expect(Date.now() - Date.parse(since ?? '')).toBeGreaterThan(395 * 86_400_000);
      // The simulated reboots are in the history: a few a week across a dozen devices.
      const [resets] = await db.rows<{ n: string }>(
        'SELECT SUM(resets) AS n FROM bandwidth_monthly',
      );
      expect(Number(resets?.n)).toBeGreaterThan(500);
      await page.close();

      // The popover at its own size lists all 12 routers without scrolling, buttons in view,
      // under the demo's quota bar.
      const popover = await browser.newPage({ viewport: { width: 380, height: 520 } });
      await popover.goto(`${baseUrl}/`);
      await expect.poll(() => popover.getByTestId('quota-bar').count()).toBe(1);
      const rows = popover.locator('.router-row');
      await expect.poll(() => rows.count()).toBe(12);
      await expect.poll(() => popover.locator('.router-row__measuring').count()).toBe(0);
      const fit = await popover.evaluate(() => {
        const list = document.querySelector('.popover__list')?.getBoundingClientRect();
        const rowsOut = [...document.querySelectorAll('.router-row')].filter((row) => {
          const box = row.getBoundingClientRect();
          return list === undefined || box.top < list.top || box.bottom > list.bottom + 0.5;
        }).length;
        const buttons = [...document.querySelectorAll('.popover__actions button')].map(
          (b) => b.getBoundingClientRect().bottom,
        );
        return { rowsOut, lowestButton: Math.max(...buttons), height: window.innerHeight };
      });
      expect(fit.rowsOut).toBe(0);
      expect(fit.lowestButton).toBeLessThanOrEqual(fit.height);
      // Busiest first when opened; every row has its last-hour sparkline and month figure.
      const rates = await rows.evaluateAll((all) =>
        all.map((row) =>
          [...row.querySelectorAll('.router-row__rate .rx, .router-row__rate .tx')]
            .map((span) => Number.parseFloat((span.textContent ?? '').replace(/[^\d.]/g, '')))
            .reduce((a, b) => a + b, 0),
        ),
      );
      expect(rates).toEqual([...rates].sort((a, b) => b - a));
      expect(await popover.locator('.router-row .sparkline').count()).toBe(12);
      expect(await popover.getByTestId('month-total').textContent()).toMatch(
        /this month [\d.]+ [KMGT]B/,
      );
      // A row opens that router's history, by keyboard too.
      const name = (await popover.locator('.router-row__name').first().textContent()) ?? '';
      await popover.locator('.router-row').first().focus();
      const [history] = await Promise.all([
        popover.context().waitForEvent('page'),
        popover.keyboard.press('Enter'),
      ]);
      await history.waitForLoadState();
      expect(history.url()).toMatch(/\/history\.html\?router=\d+$/);
      await expect
        .poll(() => history.getByTestId('summary-table').locator('tbody tr').allTextContents())
        .toEqual([expect.stringContaining(name)]);
      await history.close();
      await popover.close();

      // At 200 % zoom (the 380×520 window at device scale 2: 190×260 CSS pixels) at least three
      // routers show whole, with both buttons in view; the rest scroll in the list.
      const zoomed = await browser.newPage({
        viewport: { width: 190, height: 260 },
        deviceScaleFactor: 2,
      });
      await zoomed.goto(`${baseUrl}/`);
      await expect.poll(() => zoomed.locator('.router-row').count()).toBe(12);
      const atZoom = await zoomed.evaluate(() => {
        const list = document.querySelector('.popover__list')?.getBoundingClientRect();
        const whole = [...document.querySelectorAll('.router-row')].filter((row) => {
          const box = row.getBoundingClientRect();
          return list !== undefined && box.top >= list.top - 0.5 && box.bottom <= list.bottom + 0.5;
        }).length;
        const buttons = [...document.querySelectorAll('.popover__actions button')].map((b) =>
          b.getBoundingClientRect(),
        );
        const root = document.documentElement;
        return {
          whole,
          listBottom: list?.bottom ?? 0,
          buttonsTop: Math.min(...buttons.map((b) => b.top)),
          buttonsBottom: Math.max(...buttons.map((b) => b.bottom)),
          height: window.innerHeight,
          sideways: root.scrollWidth - root.clientWidth,
          downwards: root.scrollHeight - root.clientHeight,
        };
      });
      expect(atZoom.whole, JSON.stringify(atZoom)).toBeGreaterThanOrEqual(3);
      expect(atZoom.buttonsTop).toBeGreaterThanOrEqual(atZoom.listBottom);
      expect(atZoom.buttonsBottom).toBeLessThanOrEqual(atZoom.height);
      // Only the list scrolls: the page itself neither sideways nor down.
      expect(atZoom.sideways).toBeLessThanOrEqual(0);
      expect(atZoom.downwards).toBeLessThanOrEqual(0);
      // Today's figures of a row, hidden from sight at this size, are still read out.
      expect(await zoomed.locator('.router-row').first().textContent()).toMatch(/today .* ↓/);
      await zoomed.close();

      // The DEMO badge, on every page that shows it, meets AA contrast in both themes.
      for (const colorScheme of ['light', 'dark'] as const) {
        for (const path of ['/', '/history.html']) {
          const shown = await browser.newPage({
            viewport: { width: 1100, height: 900 },
            colorScheme,
          });
          await shown.goto(`${baseUrl}${path}`);
          await expect.poll(() => shown.locator('.demo-badge').count()).toBe(1);
          expect(await shown.locator('.demo-badge').textContent()).toBe('DEMO');
          await shown.waitForTimeout(300);
          expect(await contrastFailures(shown), `${colorScheme} ${path}`).toEqual([]);
          await shown.close();
        }
      }
    } finally {
      await stop(first);
    }

    const [before] = await db.rows<{ id: string; at: Date }>(
      'SELECT MAX(id) AS id, MAX(timestamp) AS at FROM bandwidth_snapshots',
    );
    const second = demoCollector();
    try {
      await second.waitFor(/^📈 Updated/, 3, 60_000);
      expect(second.stdout).not.toMatch(/Filling the DEMO history/);
    } finally {
      await stop(second);
    }
    const after = await db.rows<{ name: string; resets: string; last: Date }>(
      `SELECT r.name, SUM(s.is_reset) AS resets, MAX(s.timestamp) AS last FROM bandwidth_snapshots s
         JOIN routers r ON r.id = s.router_id WHERE s.id > ? GROUP BY r.name`,
      [before?.id],
    );
    expect(after.length).toBeGreaterThanOrEqual(11);
    // The restarted demo continued the same counters: a reset only for a scheduled reboot.
    for (const row of after) {
      const device = DEMO_DEVICES.find((d) => d.name === row.name);
      const scheduled = device
        ? rebootsBetween(device, before?.at.getTime() ?? 0, row.last.getTime()).length
        : 0;
      expect(Number(row.resets), row.name).toBe(Math.min(scheduled, 1));
    }
  }, 240_000);
});
