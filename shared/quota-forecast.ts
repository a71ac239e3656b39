// The forecast to the end of a quota's period. A straight line from the period's average is
// blind to a change of habit (a new backup job, a holiday); the last days' rate alone jumps at
// every busy evening. Half of each follows a change within days, and under constant traffic
// both rates are the same, so the forecast is then exactly the straight line.

/** How long the "recent days" are. */
export const RECENT_WINDOW_MS = 3 * 24 * 3_600_000;

/** Shown beside the forecast, so the figure can be judged. */
export const FORECAST_METHOD =
  'Forecast: half the last 3 days’ rate, half the period’s average rate, carried to the end of the period (the period’s average alone during its first 3 days).';

export interface ForecastInput {
  /** Bytes counted from `countedFrom` to `now`. */
  used: bigint;
  /** Where the usage is counted from (the period start, to the UTC hour). */
  countedFrom: Date;
  /** Bytes of the rollup hours from `recentFrom` on; `recentFrom` is later than `countedFrom`, or equal to it. */
  recentBytes: bigint;
  recentFrom: Date;
  /**
   * The seconds the polls behind `recentBytes` measured. A rollup hour holds the deltas of the
   * polls made in it, the first of which reaches back into the hour before: dividing by the
   * seconds measured, not by the clock, keeps the recent rate equal to the average under
   * constant traffic. The window's length is the floor.
   */
  recentSeconds: number;
  periodEnd: Date;
  now: Date;
}

/** Bytes expected by the end of the period, or null before any time has passed. */
export function forecastBytes(input: ForecastInput): bigint | null {
  const elapsed = input.now.getTime() - input.countedFrom.getTime();
  if (elapsed <= 0) return null;
  const remaining = Math.max(0, input.periodEnd.getTime() - input.now.getTime());
  const averageRate = Number(input.used) / elapsed;
  // Never less than the window's length: a collector started an hour ago has measured an hour,
  // and its bytes spread over the whole window are the safer rate (its start is unknown).
  const recentMs = Math.max(
    input.recentSeconds * 1000,
    input.now.getTime() - input.recentFrom.getTime(),
  );
  const rate =
    input.recentFrom.getTime() > input.countedFrom.getTime() && recentMs > 0
      ? (averageRate + Number(input.recentBytes) / recentMs) / 2
      : averageRate;
  return input.used + BigInt(Math.round(rate * remaining));
}

/** The start of the recent window for a period counted from `countedFrom` (a UTC hour). */
export function recentWindowStart(countedFrom: Date, now: Date): Date {
  const hour = 3_600_000;
  const from = Math.floor((now.getTime() - RECENT_WINDOW_MS) / hour) * hour;
  return new Date(Math.max(from, countedFrom.getTime()));
}

/**
 * The thresholds `used` has reached (percentages of `size`), compared exactly in bytes. A
 * threshold of 80 is reached at 80 % to the byte, not one byte before.
 */
export function reachedThresholds(
  used: bigint,
  size: bigint,
  thresholds: readonly number[],
): number[] {
  return thresholds.filter((percent) => used * 100n >= size * BigInt(percent));
}

/** The early warning: the forecast passes the quota while the usage has not yet reached it. */
export function forecastExceeds(used: bigint, forecast: bigint | null, size: bigint): boolean {
  return forecast !== null && forecast > size && used < size;
}
