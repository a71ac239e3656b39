import { describe, expect, it } from 'vitest';
import { historyCsv } from '../../shared/csv';
import { checkHistoryDate, historyWindow } from '../../shared/history-range';
import { historySeries } from '../../shared/history-series';
import type { HistoryRequest, HistoryResult } from '../../shared/ipc-contract';

const request = (
  range: HistoryRequest['range'],
  timeZone: string,
  extra: Partial<HistoryRequest> = {},
): HistoryRequest => ({
  range,
  routerIds: [],
  timeZone,
  ...extra,
});
const iso = (d: Date) => d.toISOString();

describe('historyWindow', () => {
  const now = new Date('2026-11-27T10:17:00Z');

  it('covers the last 24 hours by the hour, ending after the current hour', () => {
    const w = historyWindow(request('day', 'UTC'), now);
    expect(w.bucket).toBe('hour');
    expect(w.bucketStarts).toHaveLength(24);
    expect(iso(w.from)).toBe('2026-11-26T11:00:00.000Z');
    expect(iso(w.to)).toBe('2026-11-27T11:00:00.000Z');
    expect(historyWindow(request('week', 'UTC'), now).bucketStarts).toHaveLength(168);
  });

  it('cuts 30 local days at the viewer’s midnight', () => {
    const w = historyWindow(request('month', 'America/New_York'), now);
    expect(w.bucket).toBe('day');
    expect(w.bucketStarts).toHaveLength(30);
    // 27 Nov in New York (EST, UTC−5) starts at 05:00 UTC.
    expect(iso(w.bucketStarts.at(-1) ?? now)).toBe('2026-11-27T05:00:00.000Z');
    expect(iso(w.to)).toBe('2026-11-28T05:00:00.000Z');
  });

  it('gives a 23-hour and a 25-hour day across the DST changes', () => {
    const spring = historyWindow(
      request('custom', 'Europe/Paris', { from: '2026-03-28', to: '2026-03-30' }),
      now,
    );
    expect(spring.bucket).toBe('day');
    const [d28, d29, d30] = spring.bucketStarts;
    expect([d28, d29, d30].map((d) => d && iso(d))).toEqual([
      '2026-03-27T23:00:00.000Z',
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ]);
    const autumn = historyWindow(
      request('custom', 'Europe/Paris', { from: '2026-10-24', to: '2026-10-26' }),
      now,
    );
    const starts = autumn.bucketStarts.map((d) => d.getTime());
    expect(((starts[2] ?? 0) - (starts[1] ?? 0)) / 3_600_000).toBe(25);
  });

  it('covers 12 months by local month', () => {
    const w = historyWindow(request('year', 'Europe/Paris'), now);
    expect(w.bucket).toBe('month');
    expect(w.bucketStarts).toHaveLength(12);
    expect(iso(w.bucketStarts[0] ?? now)).toBe('2025-11-30T23:00:00.000Z');
    expect(iso(w.to)).toBe('2026-11-30T23:00:00.000Z');
  });

  it('picks hours, days or months for a custom range by its length', () => {
    expect(
      historyWindow(request('custom', 'UTC', { from: '2026-01-01', to: '2026-01-02' }), now)
        .bucketStarts,
    ).toHaveLength(48);
    expect(
      historyWindow(request('custom', 'UTC', { from: '2026-01-01', to: '2026-03-01' }), now).bucket,
    ).toBe('day');
    const long = historyWindow(
      request('custom', 'UTC', { from: '2025-01-15', to: '2026-01-10' }),
      now,
    );
    expect(long.bucket).toBe('month');
    expect(long.bucketStarts).toHaveLength(13);
  });

  it('covers a custom range up to the last accepted date by month, ending in 2200', () => {
    const w = historyWindow(
      request('custom', 'UTC', { from: '2026-01-01', to: '2199-12-31' }),
      now,
    );
    expect(w.bucket).toBe('month');
    expect(w.bucketStarts).toHaveLength(174 * 12);
    expect(iso(w.to)).toBe('2200-01-01T00:00:00.000Z');
  });

  it('refuses an impossible custom date with the reason, even if the argument check was skipped', () => {
    expect(() =>
      historyWindow(request('custom', 'UTC', { from: '2024-99-99', to: '2024-12-31' }), now),
    ).toThrow('from "2024-99-99" is not a date of the calendar');
  });
});

describe('checkHistoryDate', () => {
  it('reads a real date', () => {
    expect(checkHistoryDate('2024-02-29', 'from')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(checkHistoryDate('1970-01-01', 'from')).toEqual({ year: 1970, month: 1, day: 1 });
    expect(checkHistoryDate('2199-12-31', 'to')).toEqual({ year: 2199, month: 12, day: 31 });
  });

  it.each([
    ['2024-99-99', 'to "2024-99-99" is not a date of the calendar'],
    ['2023-02-29', 'to "2023-02-29" is not a date of the calendar'],
    ['2100-02-29', 'to "2100-02-29" is not a date of the calendar'],
    ['2024-04-31', 'to "2024-04-31" is not a date of the calendar'],
    ['2024-00-10', 'to "2024-00-10" is not a date of the calendar'],
    ['0001-01-01', 'to "0001-01-01" is out of range'],
    ['1969-12-31', 'to "1969-12-31" is out of range'],
    ['9999-12-30', 'to "9999-12-30" is out of range'],
    ['2200-01-01', 'to "2200-01-01" is out of range'],
    ['2024-1-5', 'to must be a date from 1970-01-01 to 2199-12-31, written YYYY-MM-DD'],
    [20240105, 'to must be a date from 1970-01-01 to 2199-12-31, written YYYY-MM-DD'],
  ])('refuses %j with a clear message', (text, message) => {
    const checked = checkHistoryDate(text, 'to');
    expect(typeof checked).toBe('string');
    expect(checked).toContain(message);
    expect(checked).toContain('1970-01-01 to 2199-12-31');
  });
});

const result: HistoryResult = {
  bucket: 'hour',
  from: '2026-01-01T00:00:00.000Z',
  to: '2026-01-01T02:00:00.000Z',
  bucketStarts: ['2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00.000Z'],
  buckets: [
    {
      start: '2026-01-01T00:00:00.000Z',
      routerId: 1,
      rxBytes: '9007199254740993',
      txBytes: '5',
      resets: 0,
      coveredSeconds: 0,
    },
    {
      start: '2026-01-01T01:00:00.000Z',
      routerId: 2,
      rxBytes: '3600000000',
      txBytes: '0',
      resets: 1,
      coveredSeconds: 0,
    },
  ],
  summary: [],
  reboots: [],
  routers: [
    { id: 1, name: 'Living Room AP', mac: 'AA:BB:CC:DD:EE:01' },
    { id: 2, name: '=HYPERLINK("x"), "quoted"', mac: 'AA:BB:CC:DD:EE:02' },
  ],
};

describe('historySeries', () => {
  it('sums routers per bucket exactly and gives the average rate', () => {
    const series = historySeries(result, 'UTC', 'en-GB');
    expect(series.rxBytes).toEqual([9_007_199_254_740_993n, 3_600_000_000n]);
    expect(series.reboots).toEqual([0, 1]);
    // Rows without covered seconds (written before they were recorded): the whole bucket.
    expect(series.averageMbps[1]).toBeCloseTo(8, 10);
    expect(series.labels).toEqual(['1 Jan, 00:00', '1 Jan, 01:00']);
  });

  it('divides by the seconds the polls covered, sums routers, and leaves unmonitored buckets empty', () => {
    const at = (hour: number) => `2026-01-01T0${hour}:00:00.000Z`;
    const series = historySeries(
      {
        ...result,
        to: at(4),
        bucketStarts: [at(0), at(1), at(2), at(3)],
        buckets: [
          // Monitoring began late in the hour: router 1 was measured for 10 minutes, router 2 for 5.
          {
            start: at(0),
            routerId: 1,
            rxBytes: '9000000',
            txBytes: '0',
            resets: 0,
            coveredSeconds: 600,
          },
          {
            start: at(0),
            routerId: 2,
            rxBytes: '4500000',
            txBytes: '4500000',
            resets: 0,
            coveredSeconds: 300,
          },
          // Polled, nothing moved: a measured zero.
          {
            start: at(1),
            routerId: 1,
            rxBytes: '0',
            txBytes: '0',
            resets: 0,
            coveredSeconds: 3600,
          },
          // Counted after the app was closed for 10 hours: an average over the gap.
          {
            start: at(3),
            routerId: 1,
            rxBytes: '36000000000',
            txBytes: '0',
            resets: 0,
            coveredSeconds: 36000,
          },
        ],
      },
      'UTC',
    );
    expect(series.averageMbps[0]).toBeCloseTo(
      (9_000_000 * 8) / 600 / 1e6 + (9_000_000 * 8) / 300 / 1e6,
      10,
    );
    expect(series.averageMbps[1]).toBe(0);
    expect(series.averageMbps[2]).toBeNull();
    expect(series.monitored).toEqual([true, true, false, true]);
    expect(series.averageMbps[3]).toBeCloseTo(8, 10);
    expect(series.gapAverage).toEqual([false, false, false, true]);
  });
});

describe('historyCsv', () => {
  it('writes one row per router per bucket with whole bytes and defused formulas', () => {
    const lines = historyCsv(result).trimEnd().split('\r\n');
    expect(lines).toEqual([
      'router_id,router_name,mac_address,bucket_start (UTC),rx_bytes,tx_bytes,resets',
      '1,Living Room AP,AA:BB:CC:DD:EE:01,2026-01-01T00:00:00+00:00,9007199254740993,5,0',
      '1,Living Room AP,AA:BB:CC:DD:EE:01,2026-01-01T01:00:00+00:00,0,0,0',
      `2,"'=HYPERLINK(""x""), ""quoted""",AA:BB:CC:DD:EE:02,2026-01-01T00:00:00+00:00,0,0,0`,
      `2,"'=HYPERLINK(""x""), ""quoted""",AA:BB:CC:DD:EE:02,2026-01-01T01:00:00+00:00,3600000000,0,1`,
    ]);
  });

  it('refuses a light answer (sums only) instead of writing every figure as 0', () => {
    const sums = { all: { rx: [], tx: [] }, edge: { rx: [], tx: [] } } as unknown as NonNullable<
      typeof result.sums
    >;
    expect(() => historyCsv({ ...result, buckets: [], sums })).toThrow(/per-router answer/);
  });

  it('gives times in the zone the page shows, named in the header', () => {
    const lines = historyCsv(result, 'Asia/Kolkata').trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'router_id,router_name,mac_address,bucket_start (Asia/Kolkata),rx_bytes,tx_bytes,resets',
    );
    expect(lines[1]).toBe(
      '1,Living Room AP,AA:BB:CC:DD:EE:01,2026-01-01T05:30:00+05:30,9007199254740993,5,0',
    );
    expect(historyCsv(result, 'America/Los_Angeles').split('\r\n')[2]).toContain(
      '2025-12-31T17:00:00-08:00',
    );
  });
});
