// The chart's sums stay exact past 2^53 while adding most counts as numbers.
import { describe, expect, it } from 'vitest';
import { historySeries } from '../../shared/history-series';
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
