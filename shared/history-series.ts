import type { BucketSize, HistoryResult } from './ipc-contract';

/** Everything the history chart draws, derived from one history result. */
export interface HistorySeries {
  bucketStarts: string[];
  labels: string[];
  rxBytes: bigint[];
  txBytes: bigint[];
  /** Average rate over each bucket (RX + TX), Mbps decimal. */
  averageMbps: number[];
  /** Reboots per bucket, for the markers. */
  reboots: number[];
}

export function bucketLabel(startIso: string, bucket: BucketSize, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions =
    bucket === 'hour'
      ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : bucket === 'day'
        ? { weekday: 'short', month: 'short', day: 'numeric' }
        : { month: 'short', year: 'numeric' };
  return new Intl.DateTimeFormat('en-GB', { ...options, timeZone }).format(new Date(startIso));
}

/** Sums the selected routers per bucket; buckets without data count as zero. */
export function historySeries(result: HistoryResult, timeZone: string): HistorySeries {
  const index = new Map(result.bucketStarts.map((start, i) => [start, i]));
  const size = result.bucketStarts.length;
  const rxBytes = new Array<bigint>(size).fill(0n);
  const txBytes = new Array<bigint>(size).fill(0n);
  const reboots = new Array<number>(size).fill(0);
  for (const bucket of result.buckets) {
    const i = index.get(bucket.start);
    if (i === undefined) continue;
    rxBytes[i] = (rxBytes[i] ?? 0n) + BigInt(bucket.rxBytes);
    txBytes[i] = (txBytes[i] ?? 0n) + BigInt(bucket.txBytes);
    reboots[i] = (reboots[i] ?? 0) + bucket.resets;
  }
  const ends = [...result.bucketStarts.slice(1), result.to];
  const averageMbps = result.bucketStarts.map((start, i) => {
    const seconds = (Date.parse(ends[i] ?? result.to) - Date.parse(start)) / 1000;
    const bytes = Number((rxBytes[i] ?? 0n) + (txBytes[i] ?? 0n));
    return seconds > 0 ? (bytes * 8) / seconds / 1_000_000 : 0;
  });
  return {
    bucketStarts: result.bucketStarts,
    labels: result.bucketStarts.map((start) => bucketLabel(start, result.bucket, timeZone)),
    rxBytes,
    txBytes,
    averageMbps,
    reboots,
  };
}
