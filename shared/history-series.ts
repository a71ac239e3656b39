import type { BucketSize, HistoryResult } from './ipc-contract';

/** Everything the history chart draws, derived from one history result. */
export interface HistorySeries {
  bucketStarts: string[];
  labels: string[];
  rxBytes: bigint[];
  txBytes: bigint[];
  /** Whether any selected router was polled in the bucket; an unmonitored one is a gap, not zero. */
  monitored: boolean[];
  /**
   * Average rate (RX + TX, Mbps decimal) while monitored: each router's bytes ÷ the seconds its
   * counting polls covered, summed over routers. Null where nothing was measured (a gap).
   */
  averageMbps: Array<number | null>;
  /** Traffic counted after a gap longer than the bucket (the app was closed): an average over that gap. */
  gapAverage: boolean[];
  /** Reboots per bucket, for the markers. */
  reboots: number[];
}

/** A bucket's start in the user's locale (the same formats as the rest of the pages). */
export function bucketLabel(
  startIso: string,
  bucket: BucketSize,
  timeZone: string,
  locale?: string,
): string {
  const options: Intl.DateTimeFormatOptions =
    bucket === 'hour'
      ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }
      : bucket === 'day'
        ? { weekday: 'short', month: 'short', day: 'numeric' }
        : { month: 'short', year: 'numeric' };
  return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(new Date(startIso));
}

/**
 * Sums the selected routers per bucket (only `routerIds` when given: the edge routers for the
 * internet usage); a bucket no router was polled in is a gap.
 */
export function historySeries(
  result: HistoryResult,
  timeZone: string,
  locale?: string,
  routerIds?: ReadonlySet<number>,
): HistorySeries {
  const index = new Map(result.bucketStarts.map((start, i) => [start, i]));
  const size = result.bucketStarts.length;
  const ends = [...result.bucketStarts.slice(1), result.to];
  const bucketSeconds = result.bucketStarts.map(
    (start, i) => (Date.parse(ends[i] ?? result.to) - Date.parse(start)) / 1000,
  );
  const rxBytes = new Array<bigint>(size).fill(0n);
  const txBytes = new Array<bigint>(size).fill(0n);
  const reboots = new Array<number>(size).fill(0);
  const monitored = new Array<boolean>(size).fill(false);
  const gapAverage = new Array<boolean>(size).fill(false);
  const bitsPerSecond = new Array<number | null>(size).fill(null);
  for (const bucket of result.buckets) {
    if (routerIds !== undefined && !routerIds.has(bucket.routerId)) continue;
    const i = index.get(bucket.start);
    if (i === undefined) continue;
    const bytes = BigInt(bucket.rxBytes) + BigInt(bucket.txBytes);
    rxBytes[i] = (rxBytes[i] ?? 0n) + BigInt(bucket.rxBytes);
    txBytes[i] = (txBytes[i] ?? 0n) + BigInt(bucket.txBytes);
    reboots[i] = (reboots[i] ?? 0) + bucket.resets;
    monitored[i] = true;
    const length = bucketSeconds[i] ?? 0;
    // Rollups from before covered seconds were recorded: the whole bucket, as before.
    const seconds = bucket.coveredSeconds > 0 ? bucket.coveredSeconds : bytes > 0n ? length : 0;
    if (seconds <= 0) continue;
    if (seconds > length * 1.01 && length > 0) gapAverage[i] = true;
    bitsPerSecond[i] = (bitsPerSecond[i] ?? 0) + (Number(bytes) * 8) / seconds;
  }
  return {
    bucketStarts: result.bucketStarts,
    labels: result.bucketStarts.map((start) => bucketLabel(start, result.bucket, timeZone, locale)),
    rxBytes,
    txBytes,
    monitored,
    averageMbps: bitsPerSecond.map((bps) => (bps === null ? null : bps / 1_000_000)),
    gapAverage,
    reboots,
  };
}
