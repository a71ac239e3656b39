import { describe, expect, it } from 'vitest';
import {
  forecastBytes,
  forecastExceeds,
  reachedThresholds,
  recentWindowStart,
} from '../../shared/quota-forecast';
import { validateQuotaInput } from '../../shared/quota-input';
import { offlineText, quotaLine } from '../../shared/quota-notice';
import { daysLeft, periodBounds } from '../../shared/quota-period';
import { parseQuotaSpec, parseSize, parseThresholds } from '../../shared/quota-spec';

const GB = 1_000_000_000n;
const TB = 1_000n * GB;

describe('periodBounds', () => {
  const month = (billingDay: number) => ({ kind: 'month' as const, billingDay });

  it('billing day 31 in a 30-day month is its last day, and back to the 31st after', () => {
    const nov = periodBounds(month(31), new Date('2026-11-15T12:00:00Z'), 'UTC');
    expect(nov.start.toISOString()).toBe('2026-10-31T00:00:00.000Z');
    expect(nov.end.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    const dec = periodBounds(month(31), new Date('2026-11-30T00:00:00Z'), 'UTC');
    expect(dec.start.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(dec.end.toISOString()).toBe('2026-12-31T00:00:00.000Z');
    // February: the 28th (2027 is not a leap year).
    const feb = periodBounds(month(31), new Date('2027-02-20T00:00:00Z'), 'UTC');
    expect(feb.start.toISOString()).toBe('2027-01-31T00:00:00.000Z');
    expect(feb.end.toISOString()).toBe('2027-02-28T00:00:00.000Z');
  });

  it('a billing day starts at local midnight, also the day after a DST change', () => {
    // Paris: summer time from 29 Mar 2026 02:00, winter time from 25 Oct 2026 03:00.
    const march = periodBounds(month(29), new Date('2026-04-10T12:00:00Z'), 'Europe/Paris');
    expect(march.start.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(march.end.toISOString()).toBe('2026-04-28T22:00:00.000Z');
    const octoberDay = periodBounds(
      { kind: 'day', billingDay: 1 },
      new Date('2026-10-25T12:00:00Z'),
      'Europe/Paris',
    );
    expect(octoberDay.end.getTime() - octoberDay.start.getTime()).toBe(25 * 3_600_000);
    const marchDay = periodBounds(
      { kind: 'day', billingDay: 1 },
      new Date('2026-03-29T12:00:00Z'),
      'Europe/Paris',
    );
    expect(marchDay.end.getTime() - marchDay.start.getTime()).toBe(23 * 3_600_000);
  });

  it('weeks start on Monday; half-hour zones keep their own midnight', () => {
    const week = periodBounds(
      { kind: 'week', billingDay: 1 },
      new Date('2026-11-29T10:00:00Z'),
      'UTC',
    );
    expect(week.start.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(week.end.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    const india = periodBounds(month(1), new Date('2026-11-15T00:00:00Z'), 'Asia/Kolkata');
    expect(india.start.toISOString()).toBe('2026-10-31T18:30:00.000Z');
  });

  it('days left count today', () => {
    const now = new Date('2026-11-28T12:00:00Z');
    expect(daysLeft(periodBounds(month(1), now, 'UTC'), now, 'UTC')).toBe(3);
  });
});

describe('forecast', () => {
  const countedFrom = new Date('2026-11-01T00:00:00Z');
  const periodEnd = new Date('2026-12-01T00:00:00Z');

  it('is the straight line when the recent rate equals the average', () => {
    const now = new Date('2026-11-11T00:00:00Z'); // 240 h
    const recentFrom = recentWindowStart(countedFrom, now);
    expect(recentFrom.toISOString()).toBe('2026-11-08T00:00:00.000Z');
    const forecast = forecastBytes({
      used: 240n * GB,
      countedFrom,
      recentBytes: 72n * GB,
      recentFrom,
      recentSeconds: 72 * 3600,
      periodEnd,
      now,
    });
    expect(forecast).toBe(720n * GB);
  });

  it('follows a change of habit: half the recent rate, half the average', () => {
    const now = new Date('2026-11-11T00:00:00Z');
    const forecast = forecastBytes({
      used: 240n * GB,
      countedFrom,
      recentBytes: 216n * GB, // 3 GB an hour lately, against 1 GB on average
      recentFrom: recentWindowStart(countedFrom, now),
      recentSeconds: 72 * 3600,
      periodEnd,
      now,
    });
    expect(forecast).toBe(240n * GB + 480n * 2n * GB);
  });

  it('averages over the time recorded when the polls missed much of the period (a collector started today)', () => {
    const now = new Date('2026-11-11T00:00:00Z');
    const started = {
      used: 24n * GB, // all of it in the 2 hours this collector has run
      countedFrom,
      recentBytes: 24n * GB,
      recentFrom: recentWindowStart(countedFrom, now),
      recentSeconds: 2 * 3600,
      periodEnd,
      now,
    };
    // 12 GB an hour while measured, carried over the 480 hours left: the 238 hours before the
    // collector started are unknown, not idle.
    expect(forecastBytes({ ...started, usedSeconds: 2 * 3600 })).toBe(24n * GB + 480n * 12n * GB);
    // Without the seconds measured, the clock's straight line (24 GB in 240 hours).
    expect(forecastBytes(started)).toBe(72n * GB);
    // Less than an hour measured: one burst says too little, the clock's straight line.
    expect(forecastBytes({ ...started, usedSeconds: 59 * 60 })).toBe(72n * GB);
    // Measured nearly all along: the straight line, whatever the seconds say to the minute.
    expect(forecastBytes({ ...started, used: 240n * GB, usedSeconds: 239 * 3600 })).toBe(720n * GB);
  });

  it('has nothing to say before time has passed', () => {
    expect(
      forecastBytes({
        used: 0n,
        countedFrom,
        recentBytes: 0n,
        recentFrom: countedFrom,
        recentSeconds: 0,
        periodEnd,
        now: countedFrom,
      }),
    ).toBeNull();
  });

  it('thresholds are reached to the byte; the early warning only before 100 %', () => {
    expect(reachedThresholds(800n * GB - 1n, TB, [80, 90, 100])).toEqual([]);
    expect(reachedThresholds(800n * GB, TB, [80, 90, 100])).toEqual([80]);
    expect(reachedThresholds(TB, TB, [80, 90, 100])).toEqual([80, 90, 100]);
    expect(forecastExceeds(500n * GB, TB + 1n, TB)).toBe(true);
    expect(forecastExceeds(500n * GB, TB, TB)).toBe(false);
    expect(forecastExceeds(TB, 2n * TB, TB)).toBe(false);
  });
});

describe('--quota and the Settings form', () => {
  it('reads sizes exactly in decimal units', () => {
    expect(parseSize('1TB')).toBe(TB);
    expect(parseSize('1.5 GB')).toBe(1_500_000_000n);
    expect(parseSize('800000000')).toBe(800_000_000n);
    expect(parseSize('1.5B')).toBeNull();
    expect(parseSize('0GB')).toBeNull();
    expect(parseSize('1 TiB')).toBeNull();
  });

  it('reads every form of --quota', () => {
    const ok = (text: string) => {
      const result = parseQuotaSpec(text, 'Europe/Paris');
      if (!result.ok) throw new Error(result.reason);
      return result.quota;
    };
    expect(ok('wan=1TB')).toMatchObject({
      target: 'wan',
      sizeBytes: TB,
      period: { kind: 'month', billingDay: 1 },
      direction: 'both',
      timeZone: 'Europe/Paris',
      thresholds: [80, 90, 100],
    });
    expect(ok('wan@branch=500GB@15:down')).toMatchObject({
      target: 'wan@branch',
      period: { kind: 'month', billingDay: 15 },
      direction: 'down',
    });
    expect(ok('AA:BB:CC:DD:EE:01=50GB/week:up')).toMatchObject({
      target: 'AA:BB:CC:DD:EE:01',
      period: { kind: 'week' },
      direction: 'up',
    });
    expect(ok('Office AP=2GB/day')).toMatchObject({ target: 'Office AP', period: { kind: 'day' } });
    expect(parseQuotaSpec('wan=1TB@32', 'UTC')).toMatchObject({ ok: false });
    expect(parseQuotaSpec('1TB', 'UTC')).toMatchObject({ ok: false });
    expect(parseQuotaSpec('wan=lots', 'UTC')).toMatchObject({ ok: false });
    expect(parseQuotaSpec('wan=1TB:sideways', 'UTC')).toMatchObject({ ok: false });
  });

  it('checks thresholds and the form field by field', () => {
    expect(parseThresholds('80, 90 ,100%')).toEqual([80, 90, 100]);
    expect(parseThresholds('100,50')).toEqual([50, 100]);
    expect(parseThresholds('eighty')).toMatch(/not a percentage/);
    const bad = validateQuotaInput({
      target: '',
      size: '1 TiB',
      period: 'month',
      billingDay: 0,
      direction: 'both',
      thresholds: '80,x',
      timeZone: 'Mars/Olympus',
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(Object.keys(bad.errors).sort()).toEqual([
        'billingDay',
        'size',
        'target',
        'thresholds',
        'timeZone',
      ]);
    }
  });
});

describe('what is said', () => {
  it('the console line of a crossing names target, percentage, quota, usage and forecast', () => {
    expect(
      quotaLine({
        quotaId: 1,
        label: 'Internet',
        kind: 'threshold',
        percent: 80,
        sizeBytes: TB,
        usedBytes: 800_120_000_000n,
        forecastBytes: 1_070_000_000_000n,
        period: 'month',
        direction: 'both',
        since: '1 Nov',
        by: '30 Nov',
      }),
    ).toBe(
      '📦 Internet — 80 % of the 1.00 TB monthly quota used (800.12 GB since 1 Nov), forecast 1.07 TB by 30 Nov',
    );
  });

  it('an offline router is named with the time it went', () => {
    const since = new Date(2026, 10, 27, 14, 2);
    expect(
      offlineText({ routerId: 1, name: 'Office AP', change: 'offline', since, at: since }),
    ).toBe('Office AP has been offline since 14:02');
  });
});

describe('offline as the source says it', () => {
  it('a UniFi device with state 0 is listed but offline; others are online', async () => {
    const { parseDevicePayload } = await import('../../electron/core/payload');
    const { unifiDeviceToReadings } = await import('../../electron/core/sources/unifi-source');
    const device = (state: number) =>
      unifiDeviceToReadings({
        mac: 'aa:bb:cc:00:00:20',
        name: 'Office AP',
        type: 'uap',
        state,
        tx_bytes: 10,
        rx_bytes: 20,
        uptime: 100,
      });
    const [gone] = parseDevicePayload(device(0)).devices;
    const [connected] = parseDevicePayload(device(1)).devices;
    expect(gone?.online).toBe(false);
    expect(connected?.online).toBeUndefined();
  });
});

describe('quota calls from a page', () => {
  it('accept a quota form of the right shape only', async () => {
    const { checkCallArgs } = await import('../../shared/ipc-validation');
    const form = {
      target: 'wan',
      size: '1TB',
      period: 'month',
      billingDay: 1,
      direction: 'both',
      thresholds: '80',
      timeZone: '',
    };
    expect(checkCallArgs('saveQuota', [form])).toEqual({ ok: true, args: [form] });
    expect(checkCallArgs('saveQuota', [{ ...form, period: 'year' }])).toMatchObject({ ok: false });
    expect(checkCallArgs('saveQuota', [{ ...form, size: 'x'.repeat(301) }])).toMatchObject({
      ok: false,
    });
    expect(checkCallArgs('deleteQuota', [3])).toEqual({ ok: true, args: [3] });
    expect(checkCallArgs('deleteQuota', ['3'])).toMatchObject({ ok: false });
    expect(checkCallArgs('setOfflinePolls', [1.5])).toMatchObject({ ok: false });
    expect(checkCallArgs('getQuotas', [1])).toMatchObject({ ok: false });
  });
});

describe('the history overlay and the popover bar', () => {
  const view = {
    id: 1,
    target: 'wan',
    label: 'Internet',
    found: true,
    sizeBytes: String(TB),
    usedBytes: String(850n * GB),
    forecastBytes: String(1_070n * GB),
    period: 'month' as const,
    billingDay: 31,
    direction: 'down' as const,
    timeZone: 'Europe/Paris',
    thresholds: [80, 90, 100],
    periodStart: '',
    periodEnd: '',
    since: '31 Oct',
    by: '29 Nov',
    daysLeft: 3,
    method: '',
  };

  it('restarts the sum on each period start, in the quota zone, counting its direction', async () => {
    const { quotaOverlay } = await import('../../shared/quota-overlay');
    // Paris days from 26 Nov to 2 Dec: billing day 31 starts a period on 30 Nov (30 days).
    const starts = Array.from({ length: 7 }, (_, i) =>
      new Date(Date.UTC(2026, 10, 25 + i, 23)).toISOString(),
    );
    const overlay = quotaOverlay(
      starts,
      starts.map(() => GB),
      starts.map(() => 5n * GB),
      view,
    );
    expect(overlay.boundaries).toEqual([4]);
    expect(overlay.cumulative).toEqual([1, 2, 3, 4, 1, 2, 3].map((n) => n * 1e9));
    expect(overlay.sizeBytes).toBe(1e12);
  });

  it('says used, left, days left and the forecast, and flags a forecast over the quota', async () => {
    const { quotaBarFigures } = await import('../../shared/quota-bar');
    expect(quotaBarFigures(view)).toMatchObject({
      usedPercent: 85,
      forecastPercent: 100,
      usedText: '850.00 GB used',
      leftText: '150.00 GB left',
      daysLeftText: '3 days left',
      forecastText: 'forecast 1.07 TB by 29 Nov (over)',
      level: 'over',
    });
    expect(
      quotaBarFigures({ ...view, usedBytes: String(1_100n * GB), forecastBytes: null }),
    ).toMatchObject({ usedPercent: 100, usedShare: 110, leftText: '100.00 GB over' });
    expect(
      quotaBarFigures({ ...view, usedBytes: String(500n * GB), forecastBytes: String(900n * GB) })
        .level,
    ).toBe('ok');
  });
});

describe('quota targets', () => {
  it('wan is the edge routers (every router when none is), wan@SITE one site, else a name or MAC', async () => {
    const { routersOfTarget } = await import('../../electron/core/quotas/router-directory');
    const routers = [
      { id: 1, name: 'Gateway', mac: 'AA:BB:CC:00:00:01', site: 'default', edge: true },
      { id: 2, name: 'Branch GW', mac: 'AA:BB:CC:00:00:02', site: 'branch', edge: true },
      { id: 3, name: 'Office AP', mac: 'AA:BB:CC:00:00:03', site: 'default', edge: false },
    ];
    const directory = { routers, edgeIsEveryRouter: false };
    expect(routersOfTarget('wan', directory).ids).toEqual([1, 2]);
    expect(routersOfTarget('wan', { routers, edgeIsEveryRouter: true }).ids).toBeNull();
    expect(routersOfTarget('wan@branch', directory).ids).toEqual([2]);
    expect(routersOfTarget('wan@nowhere', directory).ids).toEqual([]);
    expect(routersOfTarget('aa-bb-cc-00-00-03', directory)).toEqual({
      ids: [3],
      name: 'Office AP',
    });
    expect(routersOfTarget('Office AP', directory)).toEqual({ ids: [3], name: 'Office AP' });
    expect(routersOfTarget('office ap', directory).ids).toEqual([]);
  });
});
