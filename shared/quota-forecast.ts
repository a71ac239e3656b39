// The forecast to the end of a quota's period. A straight line from the period's average is
// blind to a change of habit (a new backup job, a holiday); the last days' rate alone jumps at
// every busy evening. Half of each follows a change within days, and under constant traffic
// both rates are the same, so the forecast is then exactly the straight line.

/** How long the "recent days" are. */
export const RECENT_WINDOW_MS = 3 * 24 * 3_600_000;
/** The share of the recent window the polls must have measured for its rate to count. */
const RECENT_COVERAGE = 0.9;
/** Less measured than this, a rate says more about one burst than about the period. */
const MIN_MEASURED_MS = 3_600_000;

/** Shown beside the forecast, so the figure can be judged. */
export const FORECAST_METHOD =
  'Forecast: half the last 3 days’ rate, half the period’s average rate, carried to the end of the period (the period’s average alone during its first 3 days, or when the last 3 days were not all recorded; an average over the time recorded, once an hour is, when much of the period was not).';

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
   * constant traffic.
   */
  recentSeconds: number;
  /** The seconds the polls behind `used` measured (per router); absent: the clock's. */
  usedSeconds?: number;
  periodEnd: Date;
  now: Date;
}

/** Bytes expected by the end of the period, or null before any time has passed. */
export function forecastBytes(input: ForecastInput): bigint | null {
  const elapsed = input.now.getTime() - input.countedFrom.getTime();
  if (elapsed <= 0) return null;
  const remaining = Math.max(0, input.periodEnd.getTime() - input.now.getTime());
  // The period's average is over the time measured when the polls missed much of the period
  // (a collector first started this afternoon): over the clock, its morning would count as idle.
  // Not before an hour is measured: a rate from a few polls would carry one burst to the end.
  const usedMs = (input.usedSeconds ?? Number.POSITIVE_INFINITY) * 1000;
  const averageRate =
    usedMs >= MIN_MEASURED_MS && usedMs < elapsed * RECENT_COVERAGE
      ? Number(input.used) / usedMs
      : Number(input.used) / elapsed;
  // The recent rate counts only when the polls measured (nearly) the whole window: a collector
  // started minutes ago, or one that was off for a day, knows too little of those days, and the
  // straight line is then the honest figure.
  const windowMs = input.now.getTime() - input.recentFrom.getTime();
  const measuredMs = input.recentSeconds * 1000;
  const rate =
    input.recentFrom.getTime() > input.countedFrom.getTime() &&
    windowMs > 0 &&
    measuredMs >= windowMs * RECENT_COVERAGE
      ? (averageRate + Number(input.recentBytes) / Math.max(measuredMs, windowMs)) / 2
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
