// The chart's sums stay exact past 2^53 while adding most counts as numbers.
import { describe, expect, it } from 'vitest';
import { BucketSumsBuilder, bucketSums, historySeries } from '../../shared/history-series';
import type { HistoryBucket, HistoryResult } from '../../shared/ipc-contract';

const START = '2026-11-27T10:00:00.000Z';

function result(counts: Array<[string, string]>): HistoryResult {
  const buckets: HistoryBucket[] = counts.map(([rx, tx], i) => ({
    start: START,
    routerId: i + 1,
    rxBytes: rx,
    txBytes: tx,
    resets: 0,
    coveredSeconds: 3600,
  }));
  return {
    bucket: 'hour',
    from: START,
    to: '2026-11-27T11:00:00.000Z',
    bucketStarts: [START],
    buckets,
    summary: [],
    reboots: [],
    routers: [],
  };
}

const exactSum = (values: string[]) => values.reduce((sum, v) => sum + BigInt(v), 0n);

describe('historySeries sums', () => {
  it('adds 15-digit counts past 2^53 exactly', () => {
    // 20 × (10^15 − 1): each under 2^53, the sum far past it; odd, so a float would round it.
    const counts = Array.from({ length: 20 }, (_, i): [string, string] => [
      '999999999999999',
      String(999_999_999_999_999 - i),
    ]);
    const series = historySeries(result(counts), 'UTC');
    expect(series.rxBytes[0]).toBe(exactSum(counts.map((c) => c[0])));
    expect(series.txBytes[0]).toBe(exactSum(counts.map((c) => c[1])));
    expect(series.rxBytes[0]).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it('adds counts over 2^53 and small ones together exactly', () => {
    const counts: Array<[string, string]> = [
      ['18446744073709551615', '1'],
      ['7', '9007199254740993'],
      ['123456789012345', '98765432109876543210'],
      ['0', '0'],
    ];
    const series = historySeries(result(counts), 'UTC');
    expect(series.rxBytes[0]).toBe(exactSum(counts.map((c) => c[0])));
    expect(series.txBytes[0]).toBe(exactSum(counts.map((c) => c[1])));
    expect(series.monitored[0]).toBe(true);
  });

  it('sums only the routers asked for, in their own buckets', () => {
    const two = result([
      ['1000', '10'],
      ['2000', '20'],
    ]);
    const series = historySeries(two, 'UTC', undefined, new Set([2]));
    expect(series.rxBytes).toEqual([2000n]);
    expect(series.txBytes).toEqual([20n]);
    // 2,020 bytes over the hour: bits per second in Mbps.
    expect(series.averageMbps[0]).toBeCloseTo((2020 * 8) / 3600 / 1_000_000, 12);
  });
});

describe("the app's sums and the page's", () => {
  it('are the same whether the counts come as the app holds them (numbers, bigints) or as strings', () => {
    // Around every edge: 15 and 16 digits, 2^53, past 2^64; covered seconds 0 (old rollups),
    // within the hour, and past it (a gap's average).
    const counts: Array<number | bigint> = [
      0,
      1,
      999_999_999_999_999,
      1_000_000_000_000_000,
      Number.MAX_SAFE_INTEGER,
      9_007_199_254_740_993n,
      18_446_744_073_709_551_615n,
      123_456_789,
    ];
    const covered = [0, 3600, 1800.5, 7200];
    const buckets: HistoryBucket[] = [];
    const app = new BucketSumsBuilder([START], '2026-11-27T11:00:00.000Z');
    counts.forEach((rx, i) => {
      const tx = counts[(i + 3) % counts.length] ?? 0;
      const seconds = covered[i % covered.length] ?? 0;
      buckets.push({
        start: START,
        routerId: i + 1,
        rxBytes: String(rx),
        txBytes: String(tx),
        resets: i % 2,
        coveredSeconds: seconds,
      });
      app.add(0, rx, tx, i % 2, seconds);
    });
    const page = bucketSums([START], '2026-11-27T11:00:00.000Z', buckets);
    expect(app.sums()).toEqual(page);
    expect(BigInt(page.rxBytes[0] ?? '')).toBe(counts.reduce<bigint>((a, b) => a + BigInt(b), 0n));
    expect(page.gapAverage[0]).toBe(true);
    expect(page.measured).toBe(true);
    // And the page draws the same from either answer.
    const full = result([]);
    full.buckets = buckets;
    const light = { ...result([]), sums: { all: page, edge: page } };
    expect(historySeries(light, 'UTC')).toEqual(historySeries(full, 'UTC'));
  });
});
