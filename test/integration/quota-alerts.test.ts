import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { describeMysqlError } from '../../electron/core/db/connection';
import { migrate } from '../../electron/core/db/migrate';
import { Poller } from '../../electron/core/poller';
import { type AlertResult, AlertWatch } from '../../electron/core/quotas/alert-watch';
import { setOfflinePolls, setQuota } from '../../electron/core/quotas/quota-store';
import { createSeedApiSource } from '../../electron/core/sources/seed-api-source';
import type { QuotaView } from '../../shared/ipc-contract';
import { DEFAULT_THRESHOLDS, type QuotaDefinition } from '../../shared/quota';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const GB = 1_000_000_000n;
const HOUR = 3_600_000;
const GATEWAY = { name: 'Gateway', mac: 'AA:BB:CC:00:00:10' };
const OFFICE_AP = { name: 'Office AP', mac: 'AA:BB:CC:00:00:20' };

/**
 * A network whose download grows by a known amount per poll, on a clock the test moves one
 * step per poll (wall and monotonic clocks alike, so no poll looks like a glitch).
 */
class Network {
  clock: Date;
  rx = 1_000n * GB;
  perPoll = GB;
  polls = 0;
  /** Who answers: names of the routers listed, and which are reported offline. */
  listed = new Set([GATEWAY.mac]);
  offline = new Set<string>();
  constructor(start: string) {
    this.clock = new Date(start);
  }
  answer(): unknown[] {
    const uptime = 1_000_000 + this.polls * 3600;
    return [GATEWAY, OFFICE_AP]
      .filter((r) => this.listed.has(r.mac))
      .map((r) => ({
        ...r,
        rx_bytes: r === GATEWAY ? this.rx : 5n * GB,
        tx_bytes: 0n,
        uptime,
        ...(this.offline.has(r.mac) ? { state: 0 } : {}),
      }));
  }
}

interface Copy {
  poller: Poller;
  lines: string[];
  results: AlertResult[];
}

let db: TestDatabase;
let server: DeviceServer;
let net: Network;

function startCopy(watches = 1): Copy {
  const lines: string[] = [];
  const results: AlertResult[] = [];
  const alertWatches = Array.from({ length: watches }, () => new AlertWatch((l) => lines.push(l)));
  const poller = new Poller({
    source: createSeedApiSource({ apiUrl: server.url, timeoutMs: 2_000 }),
    recorder: new CycleRecorder(db.pool),
    intervalMs: HOUR,
    describeDatabaseError: (error) => describeMysqlError(error, db.settings),
    log: () => {},
    now: () => net.clock,
    monotonic: () => net.clock.getTime(),
    // Several watches at once stand for several copies on one database seeing the same cycle.
    afterCommit: async (cycle, devices) => {
      results.push(
        ...(await Promise.all(alertWatches.map((w) => w.afterCommit(db.pool, cycle, devices)))),
      );
    },
  });
  return { poller, lines, results };
}

/** One poll `stepMs` after the last one; returns the quota lines it printed. */
async function poll(copy: Copy, stepMs = HOUR): Promise<string[]> {
  if (net.polls > 0) {
    net.clock = new Date(net.clock.getTime() + stepMs);
    net.rx += net.perPoll;
  }
  const before = copy.lines.length;
  const outcome = await copy.poller.pollOnce();
  expect(outcome.kind).toBe('recorded');
  net.polls += 1;
  return copy.lines.slice(before);
}

function quota(overrides: Partial<QuotaDefinition>): QuotaDefinition {
  return {
    target: 'wan',
    sizeBytes: 10n * GB,
    period: { kind: 'month', billingDay: 1 },
    direction: 'both',
    timeZone: 'Europe/Paris',
    thresholds: [...DEFAULT_THRESHOLDS],
    ...overrides,
  };
}

function lastView(copy: Copy): QuotaView {
  const view = copy.results.at(-1)?.quotas[0];
  if (view === undefined) throw new Error('no quota checked');
  return view;
}

beforeEach(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
  server = await startDeviceServer(() => ({ devices: net.answer() }));
});
afterEach(async () => {
  await server.close();
  await db.drop();
});

describe('quota thresholds', () => {
  it('announce 80, 90 and 100 % at the poll that crosses each, once, also after a restart', async () => {
    // Paris midnight on 1 Nov is 23:00 UTC on 31 Oct: the period starts with the first poll.
    net = new Network('2026-10-31T23:00:00Z');
    // A monthly 1 TB quota at 10 GB an hour forecasts 7.2 TB: silence that, to count thresholds.
    net.perPoll = 10n * GB;
    await setQuota(db.pool, quota({ sizeBytes: 100n * GB, thresholds: [80, 90, 100] }));
    let copy = startCopy();
    const printed: Array<[number, string]> = [];
    for (let n = 0; n <= 12; n += 1) {
      if (n === 9) copy = startCopy(); // a restart between 80 % and 90 %
      for (const line of await poll(copy)) printed.push([n, line]);
    }
    const thresholdLines = printed.filter(([, line]) => line.includes(' % of the '));
    expect(thresholdLines.map(([n]) => n)).toEqual([8, 9, 10]);
    expect(thresholdLines[0]?.[1]).toMatch(
      /^\[\d\d:\d\d:\d\d\] 📦 Internet — 80 % of the 100\.00 GB monthly quota used \(80\.00 GB since 1 Nov\), forecast 7\.20 TB by 30 Nov$/,
    );
    expect(thresholdLines[2]?.[1]).toContain(
      '100 % of the 100.00 GB monthly quota used (100.00 GB',
    );
    // The early warning came once, at the first counted poll, and was not repeated.
    const warnings = printed.filter(([, line]) => line.includes('is over the'));
    expect(warnings.map(([n]) => n)).toEqual([1]);
    const rows = await db.rows<{ n: number }>('SELECT COUNT(*) AS n FROM quota_announcements');
    expect(Number(rows[0]?.n)).toBe(4);
  });

  it('announce once when two copies on one database check the same cycle', async () => {
    net = new Network('2026-10-31T23:00:00Z');
    await setQuota(db.pool, quota({ sizeBytes: 4n * GB, thresholds: [50] }));
    const copy = startCopy(2);
    const printed: string[] = [];
    for (let n = 0; n <= 3; n += 1) printed.push(...(await poll(copy)));
    const crossings = copy.results.flatMap((r) => r.crossings);
    expect(crossings.filter((c) => c.kind === 'threshold')).toHaveLength(1);
    expect(crossings.filter((c) => c.kind === 'forecast')).toHaveLength(1);
    expect(printed.filter((l) => l.includes('50 % of the'))).toHaveLength(1);
  });

  it('re-arm in a new period: a daily quota announces again the next day', async () => {
    net = new Network('2026-11-10T23:00:00Z'); // 11 Nov, Paris midnight
    await setQuota(
      db.pool,
      quota({ sizeBytes: 20n * GB, period: { kind: 'day', billingDay: 1 }, thresholds: [50] }),
    );
    const copy = startCopy();
    const at: string[] = [];
    for (let n = 0; n <= 36; n += 1) {
      for (const line of await poll(copy))
        if (line.includes('50 % of the')) at.push(net.clock.toISOString());
    }
    // The 11th starts with the first poll (a baseline) and reaches 10 GB at 09:00 UTC. A delta
    // counts in the hour of its poll, so the 12th (from 23:00 UTC) already holds the poll of
    // 23:00 and reaches 10 GB at 08:00 UTC.
    expect(at).toEqual(['2026-11-11T09:00:00.000Z', '2026-11-12T08:00:00.000Z']);
  });

  it('billing day 31 in a 30-day month: the period runs 31 Oct to 29 Nov, the next starts 30 Nov', async () => {
    net = new Network('2026-11-29T12:00:00Z');
    await setQuota(
      db.pool,
      quota({
        sizeBytes: 1_000n * GB,
        period: { kind: 'month', billingDay: 31 },
        thresholds: [100],
      }),
    );
    const copy = startCopy();
    await poll(copy);
    expect(lastView(copy)).toMatchObject({
      since: '31 Oct',
      by: '29 Nov',
      periodStart: '2026-10-30T23:00:00.000Z',
      periodEnd: '2026-11-29T23:00:00.000Z',
      daysLeft: 1,
    });
    for (let n = 0; n < 12; n += 1) await poll(copy);
    // 30 Nov 00:00 Paris has passed: a new period, counted from its first hour only (the polls
    // of 23:00 and 00:00 UTC).
    expect(lastView(copy)).toMatchObject({
      since: '30 Nov',
      by: '30 Dec',
      periodStart: '2026-11-29T23:00:00.000Z',
      periodEnd: '2026-12-30T23:00:00.000Z',
      usedBytes: String(2n * GB),
    });
  });

  it('a DST change: the day of 29 March in Paris lasts 23 hours and the forecast follows', async () => {
    net = new Network('2026-03-28T23:00:00Z'); // 29 Mar 00:00 CET
    await setQuota(
      db.pool,
      quota({ sizeBytes: 22n * GB, period: { kind: 'day', billingDay: 1 }, thresholds: [100] }),
    );
    const copy = startCopy();
    const printed: Array<[string, string]> = [];
    for (let n = 0; n <= 24; n += 1) {
      for (const line of await poll(copy)) printed.push([net.clock.toISOString(), line]);
      if (n === 1) {
        // Straight line: 1 GB in 1 hour over a 23-hour day.
        expect(lastView(copy).forecastBytes).toBe(String(23n * GB));
        expect(lastView(copy).periodEnd).toBe('2026-03-29T22:00:00.000Z');
      }
    }
    // The day's 22 counted polls (00:00 to 21:00 UTC) fill it: the 30th starts at 22:00 UTC.
    expect(printed.filter(([, l]) => l.includes('100 % of')).map(([at]) => at)).toEqual([
      '2026-03-29T21:00:00.000Z',
    ]);
    // One early warning per day: the 29th's at its first counted poll, the 30th's at its first.
    expect(printed.filter(([, l]) => l.includes('is over the')).map(([at]) => at)).toEqual([
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T23:00:00.000Z',
    ]);
    expect(lastView(copy)).toMatchObject({
      since: '30 Mar',
      periodStart: '2026-03-29T22:00:00.000Z',
    });
  });

  it('the DST change of October: 25 October in Paris lasts 25 hours, 100 % comes in its 24th counted hour', async () => {
    net = new Network('2026-10-24T22:00:00Z'); // 25 Oct 00:00 CEST
    await setQuota(
      db.pool,
      quota({ sizeBytes: 24n * GB, period: { kind: 'day', billingDay: 1 }, thresholds: [100] }),
    );
    const copy = startCopy();
    const full: string[] = [];
    for (let n = 0; n <= 25; n += 1) {
      for (const line of await poll(copy))
        if (line.includes('100 % of')) full.push(net.clock.toISOString());
      if (n === 1) {
        expect(lastView(copy)).toMatchObject({
          forecastBytes: String(25n * GB),
          periodEnd: '2026-10-25T23:00:00.000Z',
        });
      }
    }
    expect(full).toEqual(['2026-10-25T22:00:00.000Z']);
    expect(lastView(copy)).toMatchObject({
      since: '26 Oct',
      periodStart: '2026-10-25T23:00:00.000Z',
    });
  });

  it('the early warning comes at the first poll whose straight-line forecast exceeds 100 %', async () => {
    // Nothing for the first 5 days, then a constant 1 GB an hour: the forecast is the straight
    // line from the days with traffic only once the recent window holds nothing else.
    net = new Network('2026-10-31T23:00:00Z');
    net.perPoll = 0n;
    const size = 300n * GB;
    await setQuota(db.pool, quota({ sizeBytes: size, thresholds: [100] }));
    const copy = startCopy();
    await poll(copy);
    let warnedAt: number | null = null;
    let straightLineFirst: number | null = null;
    for (let n = 1; n <= 24 * 12; n += 1) {
      net.perPoll = n > 24 * 5 ? GB : 0n;
      const lines = await poll(copy);
      const view = lastView(copy);
      const elapsed = BigInt(n);
      const used = BigInt(view.usedBytes);
      const straight = (used * 720n) / elapsed;
      if (straightLineFirst === null && straight > size) straightLineFirst = n;
      if (lines.some((l) => l.includes('is over the'))) {
        expect(warnedAt).toBeNull();
        warnedAt = n;
      }
    }
    expect(straightLineFirst).not.toBeNull();
    // Weighted with the last 3 days, the warning comes earlier than the straight line would.
    expect(warnedAt).not.toBeNull();
    expect(warnedAt as number).toBeLessThan(straightLineFirst as number);
  });
});

describe('constant traffic', () => {
  it('the forecast is exactly the straight line at every poll, and warns at its first crossing', async () => {
    net = new Network('2026-10-31T23:00:00Z');
    await setQuota(db.pool, quota({ sizeBytes: 719n * GB, thresholds: [100] }));
    const copy = startCopy();
    await poll(copy);
    const warned: number[] = [];
    for (let n = 1; n <= 100; n += 1) {
      const lines = await poll(copy);
      const view = lastView(copy);
      // Kept sums (finished hours added one by one, old ones leaving the recent window) stay exact.
      expect(view.usedBytes).toBe(String(BigInt(n) * GB));
      expect(view.forecastBytes).toBe(String((BigInt(view.usedBytes) * 720n) / BigInt(n)));
      if (lines.some((l) => l.includes('is over the'))) warned.push(n);
    }
    // 1 GB an hour over 720 hours is 720 GB > 719 GB from the first counted poll on.
    expect(warned).toEqual([1]);
  });
});

describe('offline alerts', () => {
  it('absent for 3 polls: one notice; back: one notice; reported offline counts too', async () => {
    net = new Network('2026-11-10T08:00:00Z');
    net.listed.add(OFFICE_AP.mac);
    const copy = startCopy();
    const printed: Array<[number, string]> = [];
    for (let n = 0; n <= 12; n += 1) {
      if (n === 3) net.listed.delete(OFFICE_AP.mac);
      if (n === 8) net.listed.add(OFFICE_AP.mac);
      if (n === 10) net.offline.add(OFFICE_AP.mac);
      for (const line of await poll(copy)) printed.push([n, line]);
    }
    const local = (iso: string) => {
      const d = new Date(iso);
      return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    };
    expect(printed.map(([n, l]) => [n, l.replace(/^\[[\d:]+\] /, '')])).toEqual([
      [5, `📴 Office AP has been offline since ${local('2026-11-10T11:00:00Z')}`],
      [8, `🔌 Office AP is back online (offline since ${local('2026-11-10T11:00:00Z')})`],
      [12, `📴 Office AP has been offline since ${local('2026-11-10T18:00:00Z')}`],
    ]);
  });

  it('says "back" once after a restart, and two copies announce an outage once', async () => {
    net = new Network('2026-11-10T08:00:00Z');
    net.listed.add(OFFICE_AP.mac);
    // Two watches on one database see the same cycles, as two copies would.
    let copy = startCopy(2);
    await poll(copy);
    net.listed.delete(OFFICE_AP.mac);
    const printed: string[] = [];
    for (let n = 0; n < 4; n += 1) printed.push(...(await poll(copy)));
    expect(printed.filter((l) => l.includes('has been offline'))).toHaveLength(1);
    copy = startCopy(); // a restart: this copy never saw Office AP
    await poll(copy);
    net.listed.add(OFFICE_AP.mac);
    const back = await poll(copy);
    expect(back.map((l) => l.replace(/^\[[\d:]+\] /, '').slice(0, 28))).toEqual([
      '🔌 Office AP is back online ',
    ]);
    expect(await poll(copy)).toEqual([]);
  });

  it('a source that does not answer gives no per-router notices; the setting is read from MySQL', async () => {
    net = new Network('2026-11-10T08:00:00Z');
    net.listed.add(OFFICE_AP.mac);
    await setOfflinePolls(db.pool, 2);
    const copy = startCopy();
    await poll(copy);
    server.respondWith(() => ({ status: 503 }));
    for (let n = 0; n < 5; n += 1) {
      net.clock = new Date(net.clock.getTime() + HOUR);
      expect((await copy.poller.pollOnce()).kind).toBe('source-failed');
    }
    server.respondWith(() => ({ devices: net.answer() }));
    expect(await poll(copy)).toEqual([]);
    net.listed.delete(OFFICE_AP.mac);
    expect(await poll(copy)).toEqual([]);
    expect((await poll(copy)).map((l) => l.replace(/^\[[\d:]+\] /, '').slice(0, 33))).toEqual([
      '📴 Office AP has been offline sin',
    ]);
  });
});

describe('usage sums', () => {
  it('a page asking while a cycle checks does not count an hour twice', async () => {
    net = new Network('2026-10-31T23:00:00Z');
    await setQuota(db.pool, quota({ sizeBytes: 1_000n * GB }));
    const watch = new AlertWatch(() => {});
    const copy = startCopy();
    for (let n = 0; n <= 5; n += 1) {
      await poll(copy);
      // Several readers at once, as the popover, Settings and the history can be.
      const views = await Promise.all([1, 2, 3].map(() => watch.quotaViews(db.pool, net.clock)));
      for (const [view] of views) expect(view?.usedBytes).toBe(String(BigInt(n) * GB));
    }
  });
});
