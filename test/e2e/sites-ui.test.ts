// Sites in the pages (Chromium): the collector polls two sites of a fake UniFi OS console and
// the API server at once; the popover heads each site with its routers, and the history
// narrows to one site's routers.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BandwidthService } from '../../electron/core/bandwidth-service';
import { createCallHandlers } from '../../electron/core/call-handlers';
import { FileSettingsStore } from '../../electron/core/settings-store';
import { startUiServer } from '../../electron/core/ui-server';
import { chromiumMissing, launchChromium } from '../support/browser';
import { startCollectorView, stopBrowserView } from '../support/browser-view';
import type { CollectorRun } from '../support/collector-process';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { buildRenderer } from '../support/renderer-build';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import {
  type FakeController,
  opensslUnavailable,
  selfSignedCertificate,
  startFakeController,
} from '../support/unifi-controller';

const SCREENSHOTS = 'test-results/screenshots';
const missing = chromiumMissing() ?? opensslUnavailable();

/** Each router moves by 1 MB down and 0.5 MB up per poll, and stops after `polls` polls. */
function ap(name: string, mac: string, polls: { n: number }) {
  return () => {
    polls.n += 1;
    const step = BigInt(Math.min(polls.n, 3));
    return [
      {
        type: 'uap',
        model: 'U6-Lite',
        name,
        mac,
        uptime: 10_000 + polls.n * 60,
        // An AP's tx is what went to its clients: download.
        tx_bytes: 1_000_000_000n + 1_000_000n * step,
        rx_bytes: 500_000_000n + 500_000n * step,
      },
    ];
  };
}

let db: TestDatabase;
let controller: FakeController;
let api: DeviceServer;
let collector: CollectorRun;
let browser: Browser;
let baseUrl: string;
let rendererDir: string;
let dir: string;

async function openPage(path: string, colorScheme: 'light' | 'dark' = 'light', width = 400) {
  const page: Page = await browser.newPage({ viewport: { width, height: 640 }, colorScheme });
  await page.goto(`${baseUrl}${path}`);
  return page;
}

describe('sites in the popover and the history (Chromium, two sources at once)', () => {
  beforeAll(async () => {
    if (missing !== null) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    rendererDir = buildRenderer();
    db = await createTestDatabase();
    const certificate = selfSignedCertificate();
    controller = await startFakeController({
      flavour: 'unifi-os',
      certificate,
      username: 'admin',
      password: 'hunter2',
      devices: () => [],
      sites: {
        default: {
          description: 'Head office',
          devices: ap('Office AP', 'f4:e2:c6:00:00:31', { n: 0 }),
        },
        branch2: {
          description: 'Branch 2',
          devices: ap('Branch AP', 'f4:e2:c6:00:00:32', { n: 0 }),
        },
      },
    });
    api = await startDeviceServer(() => ({
      devices: [{ name: 'Shop router', mac: 'AA:BB:CC:00:00:33', rx_bytes: 5_000, tx_bytes: 7 }],
    }));
    dir = mkdtempSync(join(tmpdir(), 'bt-sites-ui-'));
    const file = join(dir, 'sources.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          source: 'unifi',
          controllerUrl: controller.url,
          site: 'all',
          username: 'admin',
          passwordEnv: 'HQ_PASSWORD',
          fingerprint: certificate.fingerprint,
        },
        { source: 'seed', apiUrl: api.url },
      ]),
    );
    ({ collector, baseUrl } = await startCollectorView(
      ['--sources', file, '--mysql-url', db.url, '--interval', '0.3'],
      rendererDir,
      { HQ_PASSWORD: 'hunter2' },
    ));
    await collector.waitFor(/^📈 Updated/, 4);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    if (missing !== null) return;
    await stopBrowserView({
      browser,
      collector,
      servers: [controller, api],
      db,
      dirs: [rendererDir, dir],
    });
  });

  it('heads each site with its routers and figures in the popover', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const page = await openPage('/');
    const hq = new URL(controller.url).host;
    const shop = new URL(api.url).host;
    const headings = page.getByTestId('site-heading');
    await expect.poll(() => headings.count()).toBe(3);
    const sections = page.locator('.site-group');
    const content = async () =>
      (
        await sections.evaluateAll((list) =>
          list.map((s) => [
            s.querySelector('.site-group__name')?.textContent ?? '',
            [...s.querySelectorAll('.router-row__name')].map((n) => n.textContent ?? '').join(','),
          ]),
        )
      ).sort();
    expect(await content()).toEqual(
      [
        [`branch2 · ${hq}`, 'Branch AP'],
        [`default · ${hq}`, 'Office AP'],
        [`No site · ${shop}`, 'Shop router'],
      ].sort(),
    );
    // Each site's subtotal is its own routers' traffic today: two polls of growth after the
    // first, 2 MB down and 1 MB up (the shop router's counters never moved).
    const branch = sections.filter({ hasText: 'Branch AP' });
    await expect
      .poll(() => branch.locator('.site-group__figures').textContent())
      .toContain('today 3.00 MB');
    expect(
      await sections
        .filter({ hasText: 'Shop router' })
        .locator('.site-group__figures')
        .textContent(),
    ).toContain('today 0 B');
    // Headings are real headings, so a screen reader can jump between sites.
    expect(await page.getByRole('heading', { level: 2, name: /branch2/ }).count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}/popover-sites-light.png` });
    await page.close();
    const dark = await openPage('/', 'dark');
    await expect.poll(() => dark.getByTestId('site-heading').count()).toBe(3);
    await dark.screenshot({ path: `${SCREENSHOTS}/popover-sites-dark.png` });
    await dark.close();
  });

  it('narrows the history to one site’s routers', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const page = await openPage('/history.html', 'light', 1100);
    const summary = page.getByTestId('summary-table').locator('tbody tr');
    await expect.poll(() => summary.count()).toBe(3);
    const site = page.getByRole('combobox', { name: 'Site' });
    const options = await site.locator('option').allTextContents();
    expect(options[0]).toBe('All sites');
    expect(options).toHaveLength(4);
    const branch = options.find((o) => o.startsWith('branch2'));
    expect(branch).toMatch(/\(1 router\)$/);
    await site.selectOption({ label: branch as string });
    await expect.poll(() => summary.count()).toBe(1);
    expect(await summary.first().textContent()).toContain('Branch AP');
    const routers = page.locator('.history__routers label');
    expect(await routers.allTextContents()).toEqual([
      expect.stringMatching(/^Site/),
      expect.stringMatching(/^All routers of branch2/),
      'Branch AP',
    ]);
    await page.screenshot({ path: `${SCREENSHOTS}/history-site-filter.png` });
    await site.selectOption({ label: 'All sites' });
    await expect.poll(() => summary.count()).toBe(3);
    await page.close();
  });

  it('Settings › Also poll adds a controller beside the main source, marks its bad fields and seals its password', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const settingsDir = mkdtempSync(join(tmpdir(), 'bt-sites-settings-'));
    const path = join(settingsDir, 'settings.json');
    const store = new FileSettingsStore(path, {
      isAvailable: () => true,
      encrypt: (text: string) => `sealed:${[...text].reverse().join('')}`,
      decrypt: (text: string) => [...text.slice('sealed:'.length)].reverse().join(''),
    });
    const own = await createTestDatabase();
    const service = new BandwidthService({
      settings: { apiUrl: api.url, intervalMs: 300, timeoutMs: 2_000, mysql: own.settings },
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
      await page.getByLabel('Database', { exact: true }).fill(own.settings.database);
      await page
        .getByLabel(/^UniFi API server/)
        .first()
        .check();
      await page.getByLabel('UniFi API server', { exact: true }).first().fill(api.url);
      await page.getByRole('button', { name: 'Add a source' }).click();
      const entry = page.getByRole('group', { name: 'Additional source 1' });
      await entry.getByLabel('Controller address').fill('not a url');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect
        .poll(() =>
          page
            .getByText(
              'Fix the marked fields: Controller address (additional source 1), User name (additional source 1).',
            )
            .count(),
        )
        .toBe(1);
      expect(await entry.locator('input[aria-invalid="true"]').count()).toBe(2);

      await entry.getByLabel('Controller address').fill(controller.url);
      await entry.getByLabel('Sites').fill('all');
      await entry.getByLabel('User name').fill('admin');
      await entry.getByLabel('Password', { exact: true }).fill('hunter2');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect
        .poll(() => page.getByText('Saved. Polling restarted with the new settings.').count(), {
          timeout: 10_000,
        })
        .toBe(1);
      const saved = readFileSync(path, 'utf8');
      expect(saved).not.toContain('hunter2');
      expect(JSON.parse(saved).moreSources).toEqual([
        {
          kind: 'unifi',
          controllerUrl: controller.url,
          username: 'admin',
          site: 'all',
          fingerprint: '',
          sealedPassword: 'sealed:2retnuh',
          sealedApiKey: null,
        },
      ]);
      // Opened again, the page knows a password is stored, never what it is.
      await page.reload();
      const again = page.getByRole('group', { name: 'Additional source 1' });
      await expect
        .poll(() => again.getByText('Stored (encrypted). Leave empty to keep it.').count())
        .toBe(1);
      expect(await again.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    } finally {
      await page.close();
      await ui.close();
      await service.stop();
      await own.drop();
      rmSync(settingsDir, { recursive: true, force: true });
    }
  }, 60_000);
});
