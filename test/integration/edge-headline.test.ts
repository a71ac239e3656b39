// The headline (tray, popover, history's "Internet" series) is the internet usage: the edge
// routers' traffic, never a sum that counts the same bytes at the gateway and again at the
// switch and AP behind it. Real payloads, real HTTP servers, real MariaDB.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BandwidthService } from '../../electron/core/bandwidth-service';
import { migrate } from '../../electron/core/db/migrate';
import { DEFAULT_TIERS, demoPollTimes, fillDemoHistory } from '../../electron/core/demo-history';
import { queryHistory } from '../../electron/core/history-query';
import { LiveState } from '../../electron/core/live-state';
import {
  DEMO_DEVICES,
  type DemoDevice,
  rebootsBetween,
  trafficBetween,
} from '../../electron/core/sources/demo-network';
import { gbpsToBytesPerSecond } from '../../electron/core/tracker';
import { historySeries } from '../../shared/history-series';
import type { AppState, HistoryRequest, HistoryResult } from '../../shared/ipc-contract';
import { trayTooltip } from '../../shared/tray-status';
import { formatBytes } from '../../shared/units';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { controllerForTest, type FakeController } from '../support/unifi-controller';
import { advanced, fixtureDevices, type RawDevice, STEP_BYTES } from '../support/unifi-fixtures';
import { until } from '../support/until';

let db: TestDatabase;
let controller: FakeController | null = null;
let devices: DeviceServer | null = null;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await controller?.close();
  controller = null;
  await devices?.close();
  devices = null;
  await db.drop();
});

const sum = (values: readonly bigint[]) => values.reduce((a, b) => a + b, 0n);

/** The history's "Internet (edge routers)" series, summed over the range. */
function internetOf(result: HistoryResult): { rx: bigint; tx: bigint } {
  const series = historySeries(result, 'UTC', 'en', new Set(result.edge?.routerIds ?? []));
  return { rx: sum(series.rxBytes), tx: sum(series.txBytes) };
}

function everyRouterOf(result: HistoryResult): { rx: bigint; tx: bigint } {
  const series = historySeries(result, 'UTC', 'en');
  return { rx: sum(series.rxBytes), tx: sum(series.txBytes) };
}

const DAY_REQUEST: HistoryRequest = { range: 'day', routerIds: [], timeZone: 'UTC' };

describe('UniFi: the gateway WAN is the internet edge', () => {
  const kane = fixtureDevices('Kane610-aiounifi_tests_fixtures.json');
  const GATEWAY = kane.find((d) => d.model === 'UGW3') as RawDevice;
  const SWITCH = kane.find((d) => d.model === 'US16P150') as RawDevice;
  const AP = kane.find((d) => d.model === 'U7PG2') as RawDevice;

  it('the live and history headline equal the gateway WANs exactly; switch and AP are inside', async (ctx) => {
    let step = 0;
    const started = await controllerForTest(ctx, {
      devices: () => [GATEWAY, SWITCH, AP].map((d) => advanced(d, step)),
    });
    controller = started.controller;
    const service = new BandwidthService({
      settings: {
        apiUrl: '',
        source: {
          kind: 'unifi',
          controllerUrl: started.controller.url,
          auth: { kind: 'password', username: 'admin', password: 'hunter2' },
          site: 'default',
          fingerprint: started.certificate.fingerprint,
        },
        intervalMs: 1_000,
        timeoutMs: 5_000,
        mysql: db.settings,
      },
      limits: { maxBytesPerSecond: gbpsToBytesPerSecond(10) },
      log: () => {},
      timeZone: 'UTC',
    });
    const polls = 4;
    for (; step < polls; step += 1)
      await service.run({ cycles: 1, signal: new AbortController().signal });

    // Both WAN ports of the USG (wan2 as its own router) are the edge; nothing else is.
    const roles = await db.rows<{ name: string; source_role: string | null }>(
      'SELECT name, source_role FROM routers ORDER BY name',
    );
    expect(roles).toEqual([
      { name: 'ACCESS POINT AC PRO', source_role: 'inside' },
      { name: 'Switch 16', source_role: 'inside' },
      { name: 'USG', source_role: 'edge' },
      { name: 'USG · WAN2', source_role: 'edge' },
    ]);

    // Three counted steps of wan1 + wan2, downloads in rx.
    const counted = BigInt(polls - 1);
    const wanRx = (STEP_BYTES.wan1Rx + STEP_BYTES.wan2Rx) * counted;
    const wanTx = (STEP_BYTES.wan1Tx + STEP_BYTES.wan2Tx) * counted;
    const state = service.getState();
    expect(state.totals.edgeRule).toBe('source');
    expect(state.totals.todayRxBytes).toBe(String(wanRx));
    expect(state.totals.todayTxBytes).toBe(String(wanTx));
    expect(state.totals.monthRxBytes).toBe(String(wanRx));
    expect(state.totals.monthTxBytes).toBe(String(wanTx));
    expect(trayTooltip(state)).toContain(`today ${formatBytes(wanRx + wanTx)}`);
    expect(
      state.routers
        .map((r) => [r.name, r.edge])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ['ACCESS POINT AC PRO', false],
      ['Switch 16', false],
      ['USG', true],
      ['USG · WAN2', true],
    ]);
    // The inside devices moved bytes too: a sum of every router would be more than the WAN.
    const everyToday = sum(state.routers.map((r) => BigInt(r.todayRxBytes)));
    expect(everyToday).toBeGreaterThan(wanRx);

    // The history's internet series: the same bytes, from the rollups.
    const history = await historyNow();
    expect(history.edge?.rule).toBe('source');
    expect(internetOf(history)).toEqual({ rx: wanRx, tx: wanTx });
    expect(everyRouterOf(history).rx).toBeGreaterThan(wanRx);
  });
});

/** What the history window asks for "Last 24 hours, Internet (edge routers)". */
function historyNow(): Promise<HistoryResult> {
  return queryHistory(db.pool, DAY_REQUEST, new Date());
}

/** An API server's list: it cannot say which router is the edge (a `role` it sends is ignored). */
function apiServerNetwork() {
  let step = 0n;
  const routers = [
    { name: 'Edge Router', mac: '02:00:00:00:E0:01', rx: 50_000n, tx: 5_000n },
    { name: 'Floor Switch', mac: '02:00:00:00:E0:02', rx: 30_000n, tx: 3_000n },
    { name: 'Floor AP', mac: '02:00:00:00:E0:03', rx: 20_000n, tx: 2_000n, role: 'edge' },
  ];
  return {
    routers,
    respond: () => {
      const list = routers.map((r) => ({
        name: r.name,
        mac: r.mac,
        rx_bytes: 1_000_000n + r.rx * step,
        tx_bytes: 1_000_000n + r.tx * step,
        uptime: 100_000 + Number(step) * 60,
        ...(r.role === undefined ? {} : { role: r.role }),
      }));
      step += 1n;
      return { devices: list };
    },
  };
}

function apiServerCopy(url: string, options: { edgeMarks?: string[]; log?: string[] } = {}) {
  return new BandwidthService({
    settings: { apiUrl: url, intervalMs: 50, timeoutMs: 2_000, mysql: db.settings },
    log: (line) => options.log?.push(line),
    timeZone: 'UTC',
    edgeMarks: options.edgeMarks,
    rolesRefreshMs: 0,
  });
}

describe('UniFi API server: no role from the source', () => {
  it('counts every router and says so (rule all) until one is marked', async () => {
    const network = apiServerNetwork();
    devices = await startDeviceServer(network.respond);
    const service = apiServerCopy(devices.url);
    await service.run({ cycles: 3, signal: new AbortController().signal });
    const roles = await db.rows<{ source_role: string | null }>('SELECT source_role FROM routers');
    expect(roles.map((r) => r.source_role)).toEqual([null, null, null]);
    const state = service.getState();
    expect(state.totals.edgeRule).toBe('all');
    // Two counted steps of every router.
    expect(state.totals.todayRxBytes).toBe(String(2n * (50_000n + 30_000n + 20_000n)));
    expect(state.routers.every((r) => r.edge === true)).toBe(true);
  });

  it('--edge NAME marks that router once it appears: the headline is its bytes alone', async () => {
    const network = apiServerNetwork();
    devices = await startDeviceServer(network.respond);
    const log: string[] = [];
    const service = apiServerCopy(devices.url, { edgeMarks: ['Edge Router'], log });
    const statuses: AppState[] = [];
    service.on('statusChanged', (state) => statuses.push(state));
    // The router is unknown before the first poll; the mark is applied right after it.
    await service.run({ cycles: 4, signal: new AbortController().signal });
    const [marked] = await db.rows<{ name: string }>(
      "SELECT name FROM routers WHERE marked_role = 'edge'",
    );
    expect(marked?.name).toBe('Edge Router');
    const state = service.getState();
    const edge = state.routers.find((r) => r.name === 'Edge Router');
    expect(state.totals.edgeRule).toBe('marked');
    expect(state.totals.todayRxBytes).toBe(edge?.todayRxBytes);
    expect(state.totals.todayTxBytes).toBe(edge?.todayTxBytes);
    expect(state.totals.todayRxBytes).toBe(String(3n * 50_000n));
    expect(state.totals.monthRxBytes).toBe(String(3n * 50_000n));
    expect(state.routers.filter((r) => r.edge).map((r) => r.name)).toEqual(['Edge Router']);
    // The pages were sent the new roles, and the name matched: nothing to report.
    expect(statuses.some((s) => s.totals.edgeRule === 'marked')).toBe(true);
    expect(log.some((line) => line.includes('matches no router'))).toBe(false);

    const history = await historyNow();
    expect(history.edge).toEqual({ rule: 'marked', routerIds: [edge?.id] });
    expect(internetOf(history).rx).toBe(3n * 50_000n);
  });

  it('says once when an --edge name matches no router after the first poll', async () => {
    const network = apiServerNetwork();
    devices = await startDeviceServer(network.respond);
    const log: string[] = [];
    const service = apiServerCopy(devices.url, { edgeMarks: ['Edge Ruoter'], log });
    await service.run({ cycles: 3, signal: new AbortController().signal });
    expect(log.filter((line) => line.includes('"Edge Ruoter" matches no router'))).toHaveLength(1);
    expect(service.getState().totals.edgeRule).toBe('all');
  });

  it('a mark made by one copy (Settings) is seen by another on the same database', async () => {
    const network = apiServerNetwork();
    devices = await startDeviceServer(network.respond);
    const logA: string[] = [];
    const a = apiServerCopy(devices.url, { log: logA });
    const b = apiServerCopy(devices.url);
    const stopA = new AbortController();
    const stopB = new AbortController();
    const runA = a.run({ signal: stopA.signal });
    try {
      await until('A to poll twice', () => a.getState().routers.length === 3);
      const runB = b.run({ signal: stopB.signal });
      try {
        await until('B to show the routers', () => b.getState().routers.length === 3);
        expect(b.getState().totals.edgeRule).toBe('all');
        const switchId = b.getState().routers.find((r) => r.name === 'Floor Switch')?.id ?? 0;
        // Marked from B's Settings (B reads or writes, whichever it is): A follows.
        const result = await b.setRouterRole({ routerId: switchId, role: 'edge' });
        expect(result.ok).toBe(true);
        if (result.ok) expect(result.state.totals.edgeRule).toBe('marked');
        await until('A to see the mark', () => a.getState().totals.edgeRule === 'marked');
        expect(a.getState().routers.find((r) => r.id === switchId)?.markedRole).toBe('edge');
        await until(
          'A and B to agree on the headline',
          () => a.getState().totals.todayRxBytes === b.getState().totals.todayRxBytes,
        );
        // Back to automatic: every router again, in both.
        await a.setRouterRole({ routerId: switchId, role: null });
        await until('B to see the mark cleared', () => b.getState().totals.edgeRule === 'all');
        const gone = await a.setRouterRole({ routerId: 999_999, role: 'edge' });
        expect(gone).toEqual({
          ok: false,
          message: expect.stringMatching(/no longer in the database/),
        });
      } finally {
        stopB.abort();
        await runB;
      }
    } finally {
      stopA.abort();
      await runA;
    }
  });
});

describe('demo: the headline is the demo gateway (its WAN)', () => {
  it('today and this month equal the gateway ground truth, in the live state and the history', async () => {
    await migrate(db.pool);
    const now = new Date('2026-11-27T15:07:00Z');
    const days = 35;
    await fillDemoHistory(db.pool, { now, days, log: () => {} });
    const gateway = DEMO_DEVICES.find((d) => d.kind === 'gateway') as DemoDevice;
    const times = demoPollTimes(now.getTime(), days, DEFAULT_TIERS);
    // What a correct tracker counts for the gateway from the polls at or after `since`: each
    // poll books the traffic since the one before, unless the gateway rebooted in between.
    const truthSince = (since: number) => {
      let rx = 0n;
      let tx = 0n;
      times.forEach((ms, i) => {
        const before = times[i - 1];
        if (before === undefined || ms < since) return;
        if (rebootsBetween(gateway, before, ms).length > 0) return;
        const moved = trafficBetween(gateway, before, ms);
        rx += moved.rx;
        tx += moved.tx;
      });
      return { rx, tx };
    };
    const today = truthSince(Date.UTC(2026, 10, 27));
    const month = truthSince(Date.UTC(2026, 10, 1));
    expect(today.rx).toBeGreaterThan(0n);

    const live = new LiveState('UTC');
    await live.load(db.pool, now);
    const totals = live.totals();
    expect(totals.edgeRule).toBe('source');
    expect({ rx: totals.todayRxBytes, tx: totals.todayTxBytes }).toEqual({
      rx: String(today.rx),
      tx: String(today.tx),
    });
    expect({ rx: totals.monthRxBytes, tx: totals.monthTxBytes }).toEqual({
      rx: String(month.rx),
      tx: String(month.tx),
    });
    // The finding: the sum of every demo device is several times the WAN.
    const every = sum(live.routerList(now).map((r) => BigInt(r.todayRxBytes)));
    expect(every).toBeGreaterThan(2n * today.rx);

    const history = await queryHistory(db.pool, DAY_REQUEST, now);
    const window = history.from;
    expect(internetOf(history)).toEqual(truthSince(Date.parse(window)));
    expect(history.edge?.routerIds).toHaveLength(1);
  }, 120_000);
});
