import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProductionBuild } from '../../electron/collector/renderer-build';
import { BandwidthService } from '../../electron/core/bandwidth-service';
import { createCallHandlers } from '../../electron/core/call-handlers';
import { FileSettingsStore } from '../../electron/core/settings-store';
import { startUiServer } from '../../electron/core/ui-server';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { formatBytes } from '../../shared/units';
import { chromiumMissing, launchChromium } from '../support/browser';
import { collectorCycles, startCollectorView, stopBrowserView } from '../support/browser-view';
import type { CollectorRun } from '../support/collector-process';
import { contrastFailures } from '../support/contrast';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { startFakeMysqlServer } from '../support/fake-mysql-server';
import { buildRenderer } from '../support/renderer-build';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { controllerForTest } from '../support/unifi-controller';

const SCREENSHOTS = 'test-results/screenshots';
const XSS_NAME = '<img src=x onerror=alert(1)>';
const missing = chromiumMissing();

/** The traffic the fake controller plays; the test moves it forward between checks. */
const counters = {
  living: [5_000_000_000n, 2_000_000_000n],
  bedroom: [3_000_000_000n, 1_000_000_000n],
  odd: [10_000n, 20_000n],
  livingUptime: 86_400,
};

function payload() {
  return [
    {
      name: 'Living Room AP',
      mac: 'AA:BB:CC:DD:EE:01',
      rx_bytes: counters.living[0],
      tx_bytes: counters.living[1],
      uptime: counters.livingUptime,
    },
    {
      name: 'Bedroom AP',
      mac: 'AA:BB:CC:DD:EE:02',
      rx_bytes: counters.bedroom[0],
      tx_bytes: counters.bedroom[1],
    },
    {
      name: XSS_NAME,
      mac: 'AA:BB:CC:DD:EE:03',
      rx_bytes: counters.odd[0],
      tx_bytes: counters.odd[1],
    },
  ];
}

let db: TestDatabase;
let server: DeviceServer;
let collector: CollectorRun;
let browser: Browser;
let baseUrl: string;
let rendererDir: string;
const dialogs: string[] = [];

function cycles(count: number): Promise<void> {
  return collectorCycles(collector, count);
}

async function openPage(
  path: string,
  colorScheme: 'light' | 'dark' = 'light',
  width = 400,
  height = 560,
  timezoneId?: string,
): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width, height },
    colorScheme,
    acceptDownloads: true,
    ...(timezoneId === undefined ? {} : { timezoneId }),
  });
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await page.goto(`${baseUrl}${path}`);
  return page;
}

describe('browser view of the collector (Chromium, real MariaDB, real device API)', () => {
  beforeAll(async () => {
    if (missing !== null) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    rendererDir = buildRenderer();
    db = await createTestDatabase();
    server = await startDeviceServer(() => ({ devices: payload() }));
    ({ collector, baseUrl } = await startCollectorView(
      [
        '--api-url',
        server.url,
        '--mysql-url',
        db.url,
        '--interval',
        '0.3',
        '--max-response-mb',
        '32',
      ],
      rendererDir,
    ));
    await cycles(1);
    // One cycle of real traffic, then the counters stand still so the figures hold.
    counters.living = [5_001_000_000n, 2_000_500_000n];
    counters.bedroom = [3_002_000_000n, 1_001_000_000n];
    await cycles(2);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    if (missing !== null) return;
    await stopBrowserView({ browser, collector, servers: [server], db, dirs: [rendererDir] });
  });

  it('serves a production build of the pages, even when built under a test runner', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    // vitest sets NODE_ENV=test, which the build inherits; the pages must not become React's
    // development build (slower, noisier) that the collector would then serve.
    expect(process.env.NODE_ENV).toBe('test');
    expect(isProductionBuild(rendererDir)).toBe(true);
    const html = await (await fetch(`${baseUrl}/popover.html`)).text();
    const scripts = [...html.matchAll(/src="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    const modulePreloads = [...html.matchAll(/href="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    let code = '';
    for (const path of [...scripts, ...modulePreloads])
      code += await (await fetch(`${baseUrl}/${path}`)).text();
    expect(code).not.toContain('jsxDEV');
    expect(code).toContain('Minified React error');
  });

  it('lists every router in the popover with its figures, and shows a hostile name as text', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const page = await openPage('/');
    const rows = page.locator('.router-row');
    await expect.poll(() => rows.count()).toBe(3);
    const living = page.locator('.router-row', { hasText: 'Living Room AP' });
    await expect.poll(() => living.locator('.router-row__today-rx').textContent()).toBe('1.00 MB');
    expect(await living.locator('.router-row__today-tx').textContent()).toBe('500.00 KB');
    const bedroom = page.locator('.router-row', { hasText: 'Bedroom AP' });
    expect(await bedroom.locator('.router-row__today-rx').textContent()).toBe('2.00 MB');
    expect(await page.getByTestId('today-total').textContent()).toBe('today 4.50 MB');

    const names = await page.locator('.router-row__name').allTextContents();
    expect(names).toContain(XSS_NAME);
    // Each name is isolated: a right-to-left override in one cannot reorder what follows it.
    expect(await page.locator('.router-row__name > bdi').count()).toBe(3);
    expect(await page.locator('.popover img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/popover-light.png` });
    await page.close();
  });

  it('updates the popover on the next cycle without reloading, and marks a reboot', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const page = await openPage('/');
    const living = page.locator('.router-row', { hasText: 'Living Room AP' });
    await expect.poll(() => living.locator('.router-row__today-rx').textContent()).toBe('1.00 MB');
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });

    counters.living = [5_003_000_000n, 2_001_500_000n];
    await expect
      .poll(() => living.locator('.router-row__today-rx').textContent(), { timeout: 10_000 })
      .toBe('3.00 MB');
    expect(await living.locator('.router-row__today-tx').textContent()).toBe('1.50 MB');

    counters.living = [1_000n, 2_000n];
    counters.livingUptime = 30;
    await expect
      .poll(() => living.locator('.router-row__dot').getAttribute('aria-label'), {
        timeout: 10_000,
      })
      .toBe('Rebooted in the last hour');
    // Same page object, never reloaded: the figures came in through the event stream.
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
    expect(await living.locator('.router-row__today-rx').textContent()).toBe('3.00 MB');
    await page.close();
  });

  it('draws the history chart with the bucket totals of the database, and exports the same figures', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    await cycles(1);
    const page = await openPage('/history.html', 'light', 1100, 900, 'Europe/Paris');
    expect(await page.getByText('Times in Europe/Paris').count()).toBe(1);
    const table = page.getByTestId('summary-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(3);

    const inDb = await db.rows<{ id: number; rx: string; tx: string }>(
      `SELECT r.id, COALESCE(SUM(s.rx_bytes_diff), 0) AS rx, COALESCE(SUM(s.tx_bytes_diff), 0) AS tx
         FROM routers r LEFT JOIN bandwidth_snapshots s ON s.router_id = r.id GROUP BY r.id ORDER BY r.id`,
    );
    expect(inDb.map((r) => r.rx)).toEqual(['3000000', '2000000', '0']);
    for (const row of inDb) {
      const cells = table.locator(`tr[data-router-id="${row.id}"] td[data-bytes]`);
      expect(await cells.nth(0).getAttribute('data-bytes')).toBe(row.rx);
      expect(await cells.nth(1).getAttribute('data-bytes')).toBe(row.tx);
    }
    // Tracked since first seen is what was counted (here, all of it within the range).
    for (const row of inDb) {
      const tracked = table.locator(`tr[data-router-id="${row.id}"] td`).nth(4);
      const first = await db.rows<{ at: Date }>(
        'SELECT created_at AS at FROM routers WHERE id = ?',
        [row.id],
      );
      expect(await tracked.getAttribute('data-first-seen')).toBe(first[0]?.at.toISOString());
      expect(await tracked.textContent()).toMatch(
        new RegExp(`^${formatBytes(BigInt(row.rx) + BigInt(row.tx))}since .*\\d{4}$`),
      );
    }
    expect(await page.getByRole('button', { name: 'Counter total' }).count()).toBe(1);
    const rebootCell = table.locator('tr', { hasText: 'Living Room AP' }).locator('td').last();
    expect(await rebootCell.textContent()).toBe('1');

    // The canvas has drawn bars: count pixels that are not background.
    const canvas = page.getByTestId('history-canvas');
    await expect
      .poll(() =>
        canvas.evaluate((element) => {
          const c = element as HTMLCanvasElement;
          const data =
            c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ??
            new Uint8ClampedArray();
          let painted = 0;
          for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) painted += 1;
          return painted;
        }),
      )
      .toBeGreaterThan(1000);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path()) ?? '', 'utf8')
      .trim()
      .split('\r\n');
    // In the zone the page shows, named in the header.
    expect(csv[0]).toBe(
      'router_id,router_name,mac_address,bucket_start (Europe/Paris),rx_bytes,tx_bytes,resets,role',
    );
    const body = csv.slice(1).map((line) => line.split(','));
    expect(body).toHaveLength(3 * 24);
    for (const row of inDb) {
      const mine = body.filter((fields) => fields[0] === String(row.id));
      expect(
        mine.every((fields) => /^\d{4}-\d{2}-\d{2}T\d{2}:00:00\+0[12]:00$/.test(fields[3] ?? '')),
      ).toBe(true);
      expect(String(mine.reduce((sum, f) => sum + BigInt(f[4] ?? '0'), 0n))).toBe(row.rx);
      expect(String(mine.reduce((sum, f) => sum + BigInt(f[5] ?? '0'), 0n))).toBe(row.tx);
    }
    expect(csv.some((line) => line.includes(`"${XSS_NAME}"`) || line.includes(XSS_NAME))).toBe(
      true,
    );

    await page.screenshot({ path: `${SCREENSHOTS}/history-light.png`, fullPage: true });
    await page.close();
  });

  it("shows the current hour's average rate as bytes ÷ the seconds polled, and earlier hours as gaps", async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    // As the app's own page calls: its Origin and the token served inside it.
    const html = await (await fetch(`${baseUrl}/`)).text();
    const token = /name="bt-ui-token" content="([^"]+)"/.exec(html)?.[1] ?? '';
    const call = (name: string, args: unknown[]) =>
      fetch(`${baseUrl}/api/call/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: baseUrl, 'x-bt-token': token },
        body: JSON.stringify({ args }),
      });
    // Counters move again so the hour has a real rate; then polling pauses so the page and the
    // database hold still while they are compared.
    counters.living = [
      (counters.living[0] ?? 0n) + 40_000_000n,
      (counters.living[1] ?? 0n) + 10_000_000n,
    ];
    counters.livingUptime += 60;
    await cycles(2);
    expect((await call('setPaused', [true])).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    try {
      const page = await openPage('/history.html', 'light', 1100, 900);
      // The chart's figures are a table the keyboard reaches: focus its summary, press Enter.
      await page.getByText('Figures per hour').focus();
      await page.keyboard.press('Enter');
      const rows = page.getByTestId('bucket-table').locator('tbody tr');
      await expect.poll(() => rows.count()).toBe(24);
      const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
      const inDb = await db.rows<{ rx: string; tx: string; covered: string }>(
        `SELECT rx_bytes AS rx, tx_bytes AS tx, covered_seconds AS covered FROM bandwidth_hourly
          WHERE hour_start = ?`,
        [hour],
      );
      expect(inDb.length).toBe(3);
      // Each router's bytes over the seconds its polls covered, summed: what the page shows.
      const expected = inDb.reduce(
        (sum, r) =>
          Number(r.covered) > 0
            ? sum + ((Number(r.rx) + Number(r.tx)) * 8) / Number(r.covered) / 1e6
            : sum,
        0,
      );
      const current = rows.last();
      expect(await current.getAttribute('data-start')).toBe(hour.toISOString());
      const shown = Number(await current.locator('td[data-mbps]').getAttribute('data-mbps'));
      expect(shown).toBeGreaterThan(0);
      expect(Math.abs(shown - expected) / expected).toBeLessThan(1e-9);
      // Not the old figure, bytes ÷ the whole hour.
      const wholeHour =
        inDb.reduce((s, r) => s + (Number(r.rx) + Number(r.tx)) * 8, 0) / 3600 / 1e6;
      expect(shown).toBeGreaterThan(wholeHour * 10);
      // Monitoring began minutes ago: the hours before are gaps, not 0 Mbps.
      expect(await rows.first().textContent()).toContain('not monitored');
      await page.close();
    } finally {
      await call('setPaused', [false]);
    }
  });

  it('checks a custom range in the page: marks the field, keeps the last chart, asks once on Apply', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const page = await openPage('/history.html', 'light', 1100, 900);
    const asked: string[] = [];
    page.on('request', (request) => {
      // The day view reloads on every cycle; only custom-range requests are counted, the ones
      // the page draws (sums: Export CSV asks for the routers' buckets on its own).
      const body = request.postData() ?? '';
      if (
        request.url().endsWith('/api/call/getHistory') &&
        body.includes('"custom"') &&
        body.includes('"sums"')
      )
        asked.push(body);
    });
    const summary = page.getByTestId('summary-table').locator('tbody tr');
    await expect.poll(() => summary.count()).toBe(3);
    await page.getByLabel('Custom range').check();
    await expect.poll(() => asked.length).toBe(1);
    const from = page.getByLabel('From');
    const to = page.getByLabel('To', { exact: true });
    const apply = page.getByRole('button', { name: 'Apply' });

    // End before start: the end date is marked, with what to do; nothing is asked.
    await to.fill('2020-01-01');
    await expect
      .poll(() => page.locator('#custom-to-error').textContent())
      .toBe('The end date is before the start date.');
    expect(await to.getAttribute('aria-invalid')).toBe('true');
    expect(await to.getAttribute('aria-describedby')).toBe('custom-to-error');
    expect(await from.getAttribute('aria-invalid')).toBe('false');
    expect(await apply.isDisabled()).toBe(true);
    // A cleared date and a date in the future: marked too.
    await from.fill('');
    await expect
      .poll(() => page.locator('#custom-from-error').textContent())
      .toBe('Enter a start date.');
    await to.fill('2099-01-01');
    await expect
      .poll(() => page.locator('#custom-to-error').textContent())
      .toBe('The end date is in the future: pick today or earlier.');
    // The last good chart stays, with no error about MySQL.
    expect(await summary.count()).toBe(3);
    expect(await page.getByText('History cannot be loaded').count()).toBe(0);
    expect(await page.getByTestId('history-canvas').count()).toBe(1);

    // Fixed: marks go, one request on Apply, bucketed by hour for two days.
    const today = new Date();
    const iso = (d: Date) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    await from.fill(iso(new Date(today.getTime() - 86_400_000)));
    await to.fill(iso(today));
    await expect.poll(() => page.locator('.field-error').count()).toBe(0);
    expect(await to.getAttribute('aria-invalid')).toBe('false');
    expect(await page.getByText('By hour').count()).toBe(1);
    expect(asked.length).toBe(1);
    await apply.click();
    await expect.poll(() => asked.length).toBe(2);
    // The export of a custom range is named by its dates.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(
      `bandwidth-${iso(new Date(today.getTime() - 86_400_000))}-to-${iso(today)}.csv`,
    );
    await page.getByText('Figures per hour').click();
    await expect.poll(() => page.getByTestId('bucket-table').locator('tbody tr').count()).toBe(48);
    // Typing a new date alone asks nothing until Apply.
    await from.fill(iso(new Date(today.getTime() - 5 * 86_400_000)));
    await page.waitForTimeout(500);
    expect(asked.length).toBe(2);
    // A range before monitoring began: an empty chart that says why.
    await from.fill('2020-01-01');
    await to.fill('2020-01-02');
    await apply.click();
    await expect
      .poll(() => page.getByTestId('history-empty').textContent())
      .toBe(
        'Nothing recorded in this range: Bandwidth Tracker was not polling then. Figures appear once it has polled the routers twice.',
      );
    await page.close();
  });

  it('meets WCAG 2.2 AA contrast with the colours Chromium renders, light and dark', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    for (const scheme of ['light', 'dark'] as const) {
      for (const path of ['/', '/history.html', '/settings.html']) {
        const page = await openPage(path, scheme, 1100, 900);
        // The pages keep an event stream open (never "network idle"): wait for content.
        await expect.poll(() => page.locator('#root *').count()).toBeGreaterThan(5);
        await page.waitForTimeout(500);
        const failures = await contrastFailures(page);
        expect(failures, `${scheme} ${path}`).toEqual([]);
        await page.close();
      }
    }
  }, 90_000);

  it('takes dark screenshots of both windows', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const popover = await openPage('/', 'dark');
    await expect.poll(() => popover.locator('.router-row').count()).toBe(3);
    const background = await popover.evaluate(
      () => getComputedStyle(document.body).backgroundColor,
    );
    expect(background).toBe('rgb(22, 25, 29)');
    await popover.screenshot({ path: `${SCREENSHOTS}/popover-dark.png` });
    const history = await openPage('/history.html', 'dark', 1100, 900);
    await expect
      .poll(() => history.getByTestId('summary-table').locator('tbody tr').count())
      .toBe(3);
    await history.screenshot({ path: `${SCREENSHOTS}/history-dark.png`, fullPage: true });
    await popover.close();
    await history.close();
  });

  it('stays readable at 200 % zoom: nothing spills sideways, every router still listed', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    // 200 % zoom of the 380×520 popover and the 1100-wide history window: half the CSS pixels.
    for (const [path, width, height] of [
      ['/', 190, 260],
      ['/history.html', 550, 450],
    ] as const) {
      const page = await openPage(path, 'light', width, height);
      const rows =
        path === '/'
          ? page.locator('.router-row')
          : page.getByTestId('summary-table').locator('tbody tr');
      await expect.poll(() => rows.count()).toBe(3);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `${path} is ${overflow}px wider than the window`).toBeLessThanOrEqual(0);
      if (path === '/') {
        // The buttons stay in view; the list scrolls instead.
        const lowest = await page.evaluate(() =>
          Math.max(
            ...[...document.querySelectorAll('.popover__actions button')].map(
              (b) => b.getBoundingClientRect().bottom,
            ),
          ),
        );
        expect(lowest).toBeLessThanOrEqual(height);
        // All three routers show whole above the buttons (the demo's test checks 3 of 12).
        const whole = await page.evaluate(() => {
          const list = document.querySelector('.popover__list')?.getBoundingClientRect();
          return [...document.querySelectorAll('.router-row')].filter((row) => {
            const box = row.getBoundingClientRect();
            return (
              list !== undefined && box.top >= list.top - 0.5 && box.bottom <= list.bottom + 0.5
            );
          }).length;
        });
        expect(whole).toBe(3);
        // Names get room to be read, and no rate is cut off inside its cell (today's figures
        // leave the sight at this size, for screen readers only).
        const cells = await page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('.router-row__name, .router-row__rate')].map(
            (cell) => ({
              width: cell.clientWidth,
              clipped: cell.scrollWidth > cell.clientWidth,
            }),
          ),
        );
        expect(
          cells.every((cell) => cell.width >= 100 && !cell.clipped),
          JSON.stringify(cells),
        ).toBe(true);
      }
      await page.screenshot({
        path: `${SCREENSHOTS}/${path === '/' ? 'popover' : 'history'}-zoom-200.png`,
        fullPage: true,
      });
      await page.close();
    }
  });

  it("counts the popover's today in the collector's zone, and names that zone to a viewer elsewhere", async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    // The collector runs in this process's zone; a browser elsewhere is 14 hours away from UTC.
    const collectorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const elsewhere =
      collectorZone === 'Pacific/Kiritimati' ? 'America/Los_Angeles' : 'Pacific/Kiritimati';
    const here = await openPage('/', 'light', 400, 560, collectorZone);
    await expect.poll(() => here.locator('.router-row').count()).toBe(3);
    expect(await here.getByTestId('popover-zone').count()).toBe(0);
    await here.close();

    const page = await openPage('/', 'light', 400, 560, elsewhere);
    await expect
      .poll(() => page.getByTestId('popover-zone').textContent())
      .toBe(` · days and times in ${collectorZone}`);
    // "Last poll" is told in that zone too, so it agrees with "today" (read in one go: it
    // changes every cycle).
    const shown = await page.locator('.popover__status time').evaluate((element, zone) => {
      const at = new Date(element.getAttribute('datetime') ?? '');
      const parts = { hour: '2-digit', minute: '2-digit', second: '2-digit' } as const;
      return {
        text: element.textContent,
        inCollectorZone: at.toLocaleTimeString([], { ...parts, timeZone: zone }),
        inViewerZone: at.toLocaleTimeString([], parts),
      };
    }, collectorZone);
    expect(shown.text).toBe(shown.inCollectorZone);
    expect(shown.text).not.toBe(shown.inViewerZone);
    await page.close();
  });

  it('refreshes the 7- and 30-day views each cycle, keeping what the user chose open', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const [living] = await db.rows<{ id: number }>(
      "SELECT id FROM routers WHERE name = 'Living Room AP'",
    );
    const page = await openPage('/history.html', 'light', 1100, 900);
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 7;
    });
    for (const [range, bucket, count] of [
      ['Last 7 days', 'hour', 7 * 24],
      ['Last 30 days', 'day', 30],
    ] as const) {
      await page.getByLabel(range).check();
      const details = page.locator('details.bucket-table');
      const rows = page.getByTestId('bucket-table').locator('tbody tr');
      await expect.poll(() => rows.count()).toBe(count);
      if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open)))
        await page.getByText(`Figures per ${bucket}`).click();
      const rx = page
        .getByTestId('summary-table')
        .locator(`tr[data-router-id="${living?.id}"] td[data-bytes]`)
        .first();
      await expect.poll(() => rx.getAttribute('data-bytes')).not.toBeNull();
      const before = BigInt((await rx.getAttribute('data-bytes')) ?? '0');
      counters.living = [(counters.living[0] ?? 0n) + 7_000_000n, counters.living[1] ?? 0n];
      await expect
        .poll(async () => BigInt((await rx.getAttribute('data-bytes')) ?? '0'), { timeout: 10_000 })
        .toBe(before + 7_000_000n);
      // Same page, same range, the figures table still open.
      expect(await page.getByLabel(range).isChecked()).toBe(true);
      expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
      expect(await rows.count()).toBe(count);
    }
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(7);
    await page.close();
  });

  it("shows the collector's largest answer in the browser view's Settings, read-only", async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const page = await openPage('/settings.html', 'light', 520, 900);
    const field = page.getByLabel('Largest answer (MB)');
    await expect.poll(() => field.inputValue()).toBe('32');
    expect(await field.isDisabled()).toBe(true);
    await page.close();
  });

  it('refuses calls from another origin or host', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    // node:http, because fetch does not let a caller set Host (a DNS-rebinding page can).
    const call = (headers: Record<string, string>) =>
      new Promise<number | undefined>((resolve, reject) => {
        const req = request(`${baseUrl}/api/call/getState`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('error', reject);
        req.end('{"args":[]}');
      });
    // What our pages send: their Origin and the token served inside them.
    const html = await (await fetch(`${baseUrl}/`)).text();
    const token = /name="bt-ui-token" content="([^"]+)"/.exec(html)?.[1] ?? '';
    const own = { origin: baseUrl, 'x-bt-token': token };
    expect(await call(own)).toBe(200);
    expect(await call({})).toBe(403);
    expect(await call({ ...own, origin: 'http://evil.example' })).toBe(403);
    expect(await call({ ...own, host: 'evil.example' })).toBe(421);
    const bad = await fetch(`${baseUrl}/api/call/getHistory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...own },
      body: JSON.stringify({ args: [{ range: 'forever', routerIds: [], timeZone: 'UTC' }] }),
    });
    expect(bad.status).toBe(400);
  });

  it('Settings marks exactly the faulty fields, clears them when fixed, and warns before saving what it could not verify', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const dir = mkdtempSync(join(tmpdir(), 'bt-settings-'));
    const plain = {
      isAvailable: () => true,
      encrypt: (text: string) => [...text].reverse().join(''),
      decrypt: (text: string) => [...text].reverse().join(''),
    };
    const store = new FileSettingsStore(join(dir, 'settings.json'), plain);
    const own = await createTestDatabase();
    const service = new BandwidthService({
      settings: { apiUrl: server.url, intervalMs: 300, timeoutMs: 2_000, mysql: own.settings },
      log: () => {},
    });
    const ui = await startUiServer({
      handlers: createCallHandlers(service, store, { openWindow: () => {} }),
      subscribe: (event, listener) => service.on(event, listener),
      staticDir: rendererDir,
      port: 0,
    });
    const page = await browser.newPage({ viewport: { width: 520, height: 900 } });
    try {
      await page.goto(`${ui.url}/settings.html`);
      const port = page.getByLabel('Port');
      const user = page.getByLabel('User', { exact: true });
      const database = page.getByLabel('Database', { exact: true });
      await database.fill(own.settings.database);
      await page.getByLabel('API server', { exact: false }).first().check();
      const marked = () => page.locator('input[aria-invalid="true"]').count();

      // A port in scientific notation is not a port: only that field is marked, and said so.
      await port.fill('1e3');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect.poll(() => page.getByText('Fix the marked field: Port.').count()).toBe(1);
      expect(await marked()).toBe(1);
      expect(await port.getAttribute('aria-invalid')).toBe('true');
      // Fixed: the mark and the message go as it is typed.
      await port.fill(String(own.settings.port));
      await expect.poll(marked).toBe(0);
      expect(await page.getByText('Fix the marked field').count()).toBe(0);

      // A bad fingerprint in the hidden controller section does not block anything.
      await page.getByLabel(/^UniFi controller/).check();
      await page.getByLabel('Trusted certificate (SHA-256)').fill('not-a-fingerprint');
      await page.getByLabel(/^UniFi API server/).check();

      // A 100-character user is a valid MariaDB name; Test connection checks only the database
      // fields, and the server's refusal speaks of Settings, not of command-line flags.
      await user.fill('u'.repeat(100));
      await page.getByLabel('Poll every (seconds)').fill('0');
      await page.getByRole('button', { name: 'Test connection' }).click();
      const result = page.getByTestId('test-result');
      await expect
        .poll(() => result.textContent(), { timeout: 10_000 })
        .toMatch(/refused user "u{100}" \(ER_ACCESS_DENIED/);
      expect(await result.textContent()).toContain('check the user and password in Settings');
      expect(await result.textContent()).not.toContain('--');
      expect(await user.getAttribute('aria-invalid')).toBe('false');
      await page.getByLabel('Poll every (seconds)').fill('60');
      // The connection result described the form before that edit: it goes with the edit.
      expect(await result.count()).toBe(0);

      // Saving settings that cannot reach the database asks first; nothing is written meanwhile.
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const warning = page.getByTestId('unverified');
      await expect.poll(() => warning.count(), { timeout: 10_000 }).toBe(1);
      expect(await warning.textContent()).toContain('could not be verified');
      expect(() => readFileSync(join(dir, 'settings.json'), 'utf8')).toThrow();
      await page.getByRole('button', { name: 'Keep editing' }).click();
      expect(await warning.count()).toBe(0);

      // A long database name wraps inside the page instead of pushing the form off it.
      await database.fill('d'.repeat(64));
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);

      // The largest answer takes a size in MB, digits only: marked until it is one.
      const largest = page.getByLabel('Largest answer (MB)');
      expect(await largest.inputValue()).toBe('64');
      for (const bad of ['1e3', '0', '501']) {
        await largest.fill(bad);
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await expect
          .poll(() => page.getByText('Fix the marked field: Largest answer.').count())
          .toBe(1);
        expect(await largest.getAttribute('aria-invalid'), bad).toBe('true');
      }
      await largest.fill('128');
      await expect.poll(() => largest.getAttribute('aria-invalid')).toBe('false');

      // Verified settings save at once.
      await user.fill(own.settings.user);
      await database.fill(own.settings.database);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect
        .poll(() => page.getByText('Saved. Polling restarted with the new settings.').count(), {
          timeout: 10_000,
        })
        .toBe(1);
      const saved = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
      expect(saved.database.user).toBe(own.settings.user);
      expect(saved.maxResponseMb).toBe(128);
      // Polling restarted with it.
      expect(service.currentSettings.maxResponseBytes).toBe(128_000_000);
    } finally {
      await page.close();
      await service.stop();
      await ui.close();
      await own.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sets up a UniFi controller in Settings: checks and trusts its certificate, saves, then polls it', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const { controller, certificate } = await controllerForTest(ctx, { password: 'ui-secret-7' });
    // The tray app's wiring, without Electron: a writable settings file and the HTTP transport.
    const dir = mkdtempSync(join(tmpdir(), 'bt-settings-'));
    const reversing = {
      isAvailable: () => true,
      encrypt: (plain: string) => [...plain].reverse().join(''),
      decrypt: (sealed: string) => [...sealed].reverse().join(''),
    };
    const store = new FileSettingsStore(join(dir, 'settings.json'), reversing);
    // A database of its own: the collector above holds the writer lock on the shared one.
    const own = await createTestDatabase();
    const service = new BandwidthService({
      settings: { apiUrl: server.url, intervalMs: 300, timeoutMs: 2_000, mysql: own.settings },
      log: () => {},
    });
    const ui = await startUiServer({
      handlers: createCallHandlers(service, store, { openWindow: () => {} }),
      subscribe: (event, listener) => service.on(event, listener),
      staticDir: rendererDir,
      port: 0,
    });
    const page = await browser.newPage({ viewport: { width: 520, height: 900 } });
    try {
      await page.goto(`${ui.url}/settings.html`);
      await page.getByLabel(/^UniFi controller/).check();
      await page.getByLabel('Controller address').fill(controller.url);
      await page.getByLabel('User name').fill('admin');
      await page.getByLabel('Password', { exact: true }).first().fill('ui-secret-7');
      // Never the default database: the test writes only to its own.
      await page.getByLabel('Database', { exact: true }).fill(own.settings.database);
      await page.getByRole('button', { name: 'Check certificate' }).click();
      const check = page.getByTestId('certificate-check');
      await expect.poll(() => check.textContent()).toContain(certificate.fingerprint);
      expect(await check.textContent()).toContain('does not trust it');
      await page.getByRole('button', { name: 'Trust this certificate' }).click();
      expect(await page.getByLabel('Trusted certificate (SHA-256)').inputValue()).toBe(
        certificate.fingerprint,
      );
      await page.screenshot({ path: `${SCREENSHOTS}/settings-unifi.png`, fullPage: true });
      await page.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => page.getByText('Saved. Polling restarted').count()).toBe(1);

      const file = readFileSync(join(dir, 'settings.json'), 'utf8');
      expect(file).not.toContain('ui-secret-7');
      expect(JSON.parse(file)).toMatchObject({
        source: 'unifi',
        unifi: { username: 'admin', fingerprint: certificate.fingerprint.replaceAll(':', '') },
      });
      // Saving restarted polling on the controller, through the pinned certificate.
      await expect.poll(() => controller.logins, { timeout: 10_000 }).toBe(1);
      await expect
        .poll(
          async () =>
            (await own.rows('SELECT id FROM routers WHERE name = ?', ['Dream Machine'])).length,
          { timeout: 10_000 },
        )
        .toBe(1);
    } finally {
      await page.close();
      await service.stop();
      await ui.close();
      await controller.close();
      await own.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('asks for the MySQL password again when the server changes, and never sends the saved one there', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const fake = await startFakeMysqlServer();
    const dir = mkdtempSync(join(tmpdir(), 'bt-settings-'));
    const reversing = {
      isAvailable: () => true,
      encrypt: (plain: string) => [...plain].reverse().join(''),
      decrypt: (sealed: string) => [...sealed].reverse().join(''),
    };
    const store = new FileSettingsStore(join(dir, 'settings.json'), reversing);
    await store.save({
      ...DEFAULT_SETTINGS,
      database: { ...DEFAULT_SETTINGS.database, password: 'saved-db-pw-77' },
    });
    // Never run: Settings and Test connection need no polling.
    const service = new BandwidthService({
      settings: { apiUrl: server.url, intervalMs: 60_000, timeoutMs: 2_000, mysql: db.settings },
      log: () => {},
    });
    const ui = await startUiServer({
      handlers: createCallHandlers(service, store, { openWindow: () => {} }),
      subscribe: (event, listener) => service.on(event, listener),
      staticDir: rendererDir,
      port: 0,
    });
    const page = await browser.newPage({ viewport: { width: 520, height: 900 } });
    try {
      await page.goto(`${ui.url}/settings.html`);
      const hint = page.locator('#field-database-password-message');
      await expect
        .poll(() => hint.textContent())
        .toBe('Stored (encrypted). Leave empty to keep it.');
      await page.getByLabel('Port', { exact: true }).fill(String(fake.port));
      expect(await hint.textContent()).toBe(
        'The saved password is only sent to root@127.0.0.1:3306: type the one for this server, or leave empty if it needs none.',
      );
      await page.getByRole('button', { name: 'Test connection' }).click();
      await expect
        .poll(() => page.getByTestId('test-result').textContent())
        .toMatch(/refused user "root"/);
      // The page sent an empty password: the fake server saw an empty answer, nothing else.
      expect(fake.connections.map((c) => c.authResponse?.length)).toEqual([0]);
      expect(fake.sawPassword('saved-db-pw-77')).toBe(false);
      await page.getByLabel('Port', { exact: true }).fill('3306');
      expect(await hint.textContent()).toBe('Stored (encrypted). Leave empty to keep it.');
    } finally {
      await page.close();
      await ui.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
