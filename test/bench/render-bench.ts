// The pages with thousands of routers, in Chromium: how long the popover and the history take
// to show, how long a page is busy with each cycle's update, and how many bytes that update
// is. The real core and HTTP transport serve them (BandwidthService + the --ui server), fed
// by a device API on loopback; the pages are built from the current sources.
import { rmSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { BandwidthService } from '../../electron/core/bandwidth-service';
import { createCallHandlers } from '../../electron/core/call-handlers';
import { createPool } from '../../electron/core/db/connection';
import type { MysqlSettings } from '../../electron/core/db/settings';
import { FixedSettingsStore } from '../../electron/core/settings-store';
import { startUiServer } from '../../electron/core/ui-server';
import { LIVE_EVENT_ROUTERS } from '../../shared/ipc-contract';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { chromiumMissing, launchChromium } from '../support/browser';
import { buildRenderer } from '../support/renderer-build';

export interface RenderFigures {
  popover_ms: number;
  history_ms: number;
  /** Per cycle: the busiest stretch (long tasks, in ms) each page had applying the update. */
  popover_update_longtask_ms: number;
  history_update_longtask_ms: number;
  /** The cycle event as the pages get it (JSON), per cycle. */
  event_bytes: number;
  /** Of history_ms: the first getHistory call, asked until answered (server and transfer). */
  history_fetch_ms: number;
  /** Of popover_ms: the getState call, asked until answered. */
  state_fetch_ms: number;
  /** Elements the history page holds once shown: bounded, or it grows with the routers. */
  history_elements: number;
  /**
   * The same with a full day of hourly rollups (24 buckets a router: 240,000 at 10,000
   * routers), as the "Last 24 hours" view has after a day: time to show, and per cycle.
   */
  history_day_ms: number;
  history_day_update_longtask_ms: number;
  /** The day's getHistory answer, in bytes, and how long it took. */
  history_day_bytes: number;
  history_day_fetch_ms: number;
  /**
   * Loads the day's page made over DAY_CYCLES cycles: a reload waits four times as long as the
   * last load took, so not every cycle reloads; history_day_update_longtask_ms averages over
   * every cycle, history_day_reload_longtask_ms is per reload.
   */
  history_day_reloads: number;
  history_day_reload_longtask_ms: number;
  /**
   * Export CSV on that day: click until the download starts (the page asks for every router's
   * buckets, 240,000 at 10,000 routers, and writes them), and that answer's bytes (0: the page
   * wrote the CSV from the answer it had drawn, asking for nothing).
   */
  history_day_csv_ms: number;
  history_day_csv_bytes: number;
}

const DAY_CYCLES = 6;

/** 23 hours of rollups before the current one for every router, as a day of polling leaves. */
async function fillDay(mysql: MysqlSettings): Promise<void> {
  const pool = createPool(mysql);
  try {
    for (let hoursAgo = 1; hoursAgo <= 23; hoursAgo += 1) {
      await pool.query(
        `INSERT INTO bandwidth_hourly (hour_start, router_id, rx_bytes, tx_bytes, resets, covered_seconds, samples)
         SELECT DATE_SUB(DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:00:00'), INTERVAL ? HOUR), id,
                1000000 * (id % 1000 + 1), 400000 * (id % 700 + 1), 0, 3600, 1200
           FROM routers`,
        [hoursAgo],
      );
    }
  } finally {
    await pool.end();
  }
}

/** How long the page's first call to `name` took, from asking to the last byte (Resource Timing). */
function callMs(page: Page, name: string): Promise<number> {
  return page.evaluate((call) => {
    const entry = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find(
      (e) => e.name.endsWith(`/api/call/${call}`),
    );
    return entry === undefined ? -1 : entry.responseEnd - entry.startTime;
  }, name);
}

/** Sum of long tasks (over 50 ms) the page runs from now until `until` resolves. */
async function longTasksDuring(page: Page, until: () => Promise<void>): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { btLongTasks: number };
    w.btLongTasks = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.btLongTasks += entry.duration;
    }).observe({ type: 'longtask' });
  });
  await until();
  // Let the page finish what the last event started.
  await page.waitForTimeout(500);
  return page.evaluate(() => (window as unknown as { btLongTasks: number }).btLongTasks);
}

export async function benchRender(
  devices: number,
  apiUrl: string,
  mysql: MysqlSettings,
): Promise<RenderFigures | string> {
  const missing = chromiumMissing();
  if (missing !== null) return missing;
  const rendererDir = buildRenderer();
  const service = new BandwidthService({
    settings: { apiUrl, intervalMs: 3_000, timeoutMs: 30_000, mysql },
    log: () => {},
    quiet: true,
  });
  const cycles: number[] = [];
  const waiters: Array<() => void> = [];
  service.on('cycleCompleted', (event) => {
    cycles.push(Buffer.byteLength(JSON.stringify(event)));
    for (const wake of waiters.splice(0)) wake();
  });
  const nextCycle = () => new Promise<void>((resolve) => waiters.push(resolve));
  const ui = await startUiServer({
    handlers: createCallHandlers(
      service,
      new FixedSettingsStore({ ...DEFAULT_SETTINGS, apiUrl, database: mysql }),
      { openWindow: () => {} },
    ),
    subscribe: (event, listener) => service.on(event, listener),
    staticDir: rendererDir,
    port: 0,
  });
  service.start();
  const browser = await launchChromium();
  try {
    // The baselines, then one counted cycle: every router has a rate.
    await nextCycle();
    await nextCycle();
    const page = await browser.newPage({ viewport: { width: 420, height: 640 } });
    let started = performance.now();
    await page.goto(`${ui.url}/popover.html`);
    // The popover lists the busiest LIVE_EVENT_ROUTERS (all of them before it was cut).
    await page.waitForFunction(
      (n) => document.querySelectorAll('.router-row').length >= n,
      Math.min(devices, LIVE_EVENT_ROUTERS),
      { timeout: 120_000, polling: 50 },
    );
    const popover = performance.now() - started;
    const stateFetch = await callMs(page, 'getState');
    const popoverUpdate = await longTasksDuring(page, async () => {
      await nextCycle();
      await nextCycle();
    });
    await page.close();

    const history = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    started = performance.now();
    await history.goto(`${ui.url}/history.html`);
    await history.waitForFunction(
      () => document.querySelectorAll('[data-testid="summary-table"] tbody tr').length > 0,
      undefined,
      { timeout: 120_000, polling: 50 },
    );
    const historyMs = performance.now() - started;
    const historyFetch = await callMs(history, 'getHistory');
    const historyElements = await history.evaluate(() => document.querySelectorAll('*').length);
    const historyUpdate = await longTasksDuring(history, async () => {
      await nextCycle();
      await nextCycle();
    });
    await history.close();

    await fillDay(mysql);
    const day = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    started = performance.now();
    await day.goto(`${ui.url}/history.html`);
    await day.waitForFunction(
      () => document.querySelectorAll('[data-testid="summary-table"] tbody tr').length > 0,
      undefined,
      { timeout: 120_000, polling: 50 },
    );
    const dayMs = performance.now() - started;
    const dayFetch = await callMs(day, 'getHistory');
    const dayBytes = await day.evaluate(
      () =>
        (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) =>
          e.name.endsWith('/api/call/getHistory'),
        )?.encodedBodySize ?? -1,
    );
    const historyCalls = () =>
      day.evaluate(
        () =>
          performance
            .getEntriesByType('resource')
            .filter((e) => e.name.endsWith('/api/call/getHistory')).length,
      );
    const callsBefore = await historyCalls();
    const dayUpdate = await longTasksDuring(day, async () => {
      for (let i = 0; i < DAY_CYCLES; i += 1) await nextCycle();
    });
    const dayReloads = (await historyCalls()) - callsBefore;
    // The export's own call: any getHistory not asking for the page's sums.
    let csvBytes = 0;
    day.on('response', async (response) => {
      if (!response.url().endsWith('/api/call/getHistory')) return;
      if (response.request().postData()?.includes('"sums"') !== false) return;
      // Sizes from the network events: a 34 MB body is not kept for reading.
      csvBytes += await response
        .request()
        .sizes()
        .then(
          (sizes) => sizes.responseBodySize,
          () => -1,
        );
    });
    started = performance.now();
    await Promise.all([
      day.waitForEvent('download', { timeout: 120_000 }),
      day.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csvMs = performance.now() - started;
    return {
      popover_ms: popover,
      history_ms: historyMs,
      popover_update_longtask_ms: popoverUpdate / 2,
      history_update_longtask_ms: historyUpdate / 2,
      event_bytes: cycles.at(-1) ?? 0,
      history_fetch_ms: historyFetch,
      state_fetch_ms: stateFetch,
      history_elements: historyElements,
      history_day_ms: dayMs,
      history_day_update_longtask_ms: dayUpdate / DAY_CYCLES,
      history_day_reloads: dayReloads,
      history_day_reload_longtask_ms: dayReloads === 0 ? 0 : dayUpdate / dayReloads,
      history_day_bytes: dayBytes,
      history_day_fetch_ms: dayFetch,
      history_day_csv_ms: csvMs,
      history_day_csv_bytes: csvBytes,
    };
  } finally {
    await browser.close();
    await service.stop();
    await ui.close();
    rmSync(rendererDir, { recursive: true, force: true });
  }
}
