// The internet edge in the pages, through the collector's browser view (Chromium, real
// MariaDB, a real device API that cannot say which router is the edge): the note while none
// is marked, marking one in Settings, and the popover's headline then being that router's.
import type { Browser, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_NOTE } from '../../shared/edge-text';
import { formatBytes } from '../../shared/units';
import { chromiumMissing, launchChromium } from '../support/browser';
import { collectorCycles, startCollectorView, stopBrowserView } from '../support/browser-view';
import type { CollectorRun } from '../support/collector-process';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { buildRenderer } from '../support/renderer-build';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const missing = chromiumMissing();

/** An edge router and two devices behind it: the traffic they carry is partly the same bytes. */
const counters = {
  edge: [8_000_000_000n, 1_000_000_000n],
  floor: [6_000_000_000n, 900_000_000n],
  ap: [2_000_000_000n, 300_000_000n],
};

function payload() {
  return [
    {
      name: 'Edge Router',
      mac: '02:00:00:00:E1:01',
      rx_bytes: counters.edge[0],
      tx_bytes: counters.edge[1],
    },
    {
      name: 'Floor Switch',
      mac: '02:00:00:00:E1:02',
      rx_bytes: counters.floor[0],
      tx_bytes: counters.floor[1],
    },
    {
      name: 'Floor AP',
      mac: '02:00:00:00:E1:03',
      rx_bytes: counters.ap[0],
      tx_bytes: counters.ap[1],
    },
  ];
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

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 420, height: 640 } });
  await page.goto(`${baseUrl}${path}`);
  return page;
}

describe('internet edge in the pages (Chromium, collector browser view)', () => {
  beforeAll(async () => {
    if (missing !== null) return;
    rendererDir = buildRenderer();
    db = await createTestDatabase();
    server = await startDeviceServer(() => ({ devices: payload() }));
    ({ collector, baseUrl } = await startCollectorView(
      ['--api-url', server.url, '--mysql-url', db.url, '--interval', '0.3'],
      rendererDir,
    ));
    await cycles(1);
    // One cycle of traffic, then the counters stand still so the figures hold.
    counters.edge = [8_004_000_000n, 1_001_000_000n];
    counters.floor = [6_003_000_000n, 900_500_000n];
    counters.ap = [2_001_000_000n, 300_250_000n];
    await cycles(2);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    if (missing !== null) return;
    await stopBrowserView({ browser, collector, servers: [server], db, dirs: [rendererDir] });
  });

  it('notes the double count while no router is the edge, and the headline is the edge router once marked in Settings', async (ctx) => {
    if (missing !== null) return ctx.skip(missing);
    const popover = await openPage('/');
    await expect.poll(() => popover.locator('.router-row').count()).toBe(3);
    // No edge: every router counts (4 + 3 + 1 MB down, 1 + 0.5 + 0.25 MB up), and it says so.
    await expect
      .poll(() => popover.getByTestId('today-total').textContent())
      .toBe(`today ${formatBytes(9_750_000n)}`);
    const note = popover.getByTestId('edge-note').locator('.edge-note__full');
    expect(await note.isVisible()).toBe(true);
    expect(await note.textContent()).toBe(EDGE_NOTE);

    const settings = await openPage('/settings.html');
    await expect.poll(() => settings.getByTestId('router-roles-note').isVisible()).toBe(true);
    const choice = settings.getByLabel(/^Edge Router/);
    expect(await choice.locator('option:checked').textContent()).toBe(
      'Automatic (the source does not say)',
    );
    await choice.selectOption('edge');
    await expect
      .poll(() => settings.getByRole('status').last().textContent())
      .toBe('Saved: Edge Router is marked as internet edge.');
    await expect.poll(() => settings.getByTestId('router-roles-note').count()).toBe(0);

    // The open popover follows without a reload: no note, the headline is the edge router's.
    await expect.poll(() => popover.getByTestId('edge-note').count()).toBe(0);
    await expect
      .poll(() => popover.getByTestId('today-total').textContent())
      .toBe(`today ${formatBytes(5_000_000n)}`);
    const edgeRow = popover.locator('.router-row', { hasText: 'Edge Router' });
    expect(await edgeRow.locator('.router-row__today-rx').textContent()).toBe('4.00 MB');
    expect(await edgeRow.locator('.role-badge').textContent()).toBe('edge');
    const apRow = popover.locator('.router-row', { hasText: 'Floor AP' });
    expect(await apRow.locator('.role-badge').textContent()).toBe('inside');
    expect(await popover.getByTestId('today-total').getAttribute('title')).toMatch(
      /^Internet usage: the edge routers only/,
    );

    // The mark is in MySQL, for every copy on the database.
    const [row] = await db.rows<{ marked_role: string }>(
      "SELECT marked_role FROM routers WHERE name = 'Edge Router'",
    );
    expect(row?.marked_role).toBe('edge');

    // The history says what it adds up, and its total row is the edge router's.
    const history = await openPage('/history.html');
    await expect
      .poll(() => history.getByRole('checkbox', { name: 'Internet (edge routers)' }).isChecked())
      .toBe(true);
    await expect
      .poll(() =>
        history.getByTestId('summary-headline').locator('td').nth(2).getAttribute('data-bytes'),
      )
      .toBe('5000000');
    expect(await history.getByTestId('history-canvas').getAttribute('aria-label')).toBe(
      'Internet (edge routers): traffic per hour: 5.00 MB in total over the range',
    );
    expect(await history.getByTestId('edge-note').count()).toBe(0);
    expect(await history.locator('.history__routers').textContent()).toContain(
      'Floor AP (inside device)',
    );

    // Back to automatic: the note returns.
    await choice.selectOption('auto');
    await expect.poll(() => popover.getByTestId('edge-note').count()).toBe(1);
    await Promise.all([popover.close(), settings.close(), history.close()]);
  });
});
