// Decimal units, as in the original design: 1 KB = 1,000 bytes, 1 MB = 1,000,000 bytes.
const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'] as const;

/** The last unit: a count past 999.99 of it is shown in it (`18446.74 EB`). */
export const LAST_UNIT = BYTE_UNITS.length - 1;

/** `1000000n` → `1.00 MB`. Bytes below 1 KB are shown whole (`999 B`). */
export function formatBytes(bytes: bigint | number): string {
  const value = typeof bytes === 'bigint' ? Number(bytes) : bytes;
  const sign = value < 0 ? '-' : '';
  let scaled = Math.abs(value);
  let unit = 0;
  while (scaled >= 1000 && unit < LAST_UNIT) {
    scaled /= 1000;
    unit += 1;
  }
  if (unit === 0) return `${sign}${Math.round(scaled)} B`;
  // 999,999 bytes rounds to "1000.00 KB" at two decimals: move up one unit instead.
  if (unit < LAST_UNIT && hundredthsOf(scaled) >= 100_000) {
    scaled /= 1000;
    unit += 1;
  }
  return `${sign}${twoDecimals(scaled)} ${BYTE_UNITS[unit]}`;
}

/** The unit's symbol, by index: 0 is B, 1 KB, 2 MB... (for writers that format figures themselves). */
export function byteUnit(unit: number): string {
  return BYTE_UNITS[unit] ?? 'B';
}

/**
 * `x.toFixed(2)` as a whole number of hundredths (`12.345` → 1235), for 0 ≤ x < 1,000,000,
 * without making a string: the integer `n` whose `n / 100` is nearest to `x`, the larger on a
 * tie, as toFixed picks it. `x * 100` is within 2e-11 of the exact product, so it rounds the
 * same way except within that of a tie, where toFixed itself decides.
 */
export function hundredthsOf(x: number): number {
  const scaled = x * 100;
  const floor = Math.floor(scaled);
  if (Math.abs(scaled - floor - 0.5) < 1e-7) return Math.round(Number(x.toFixed(2)) * 100);
  return scaled - floor < 0.5 ? floor : floor + 1;
}

/** `x.toFixed(2)` for x ≥ 0: the digits from hundredthsOf where it applies. */
function twoDecimals(x: number): string {
  if (!(x < 1_000_000)) return x.toFixed(2);
  const hundredths = hundredthsOf(x);
  const whole = Math.floor(hundredths / 100);
  const cents = hundredths - whole * 100;
  return `${whole}.${cents < 10 ? '0' : ''}${cents}`;
}

/** Bits per second from a byte count over an elapsed time, in Mbps (decimal). */
export function bytesToMbps(bytes: bigint | number, elapsedMs: number): number {
  if (elapsedMs <= 0) return 0;
  return (Number(bytes) * 8) / (elapsedMs / 1000) / 1_000_000;
}

export function formatMbps(mbps: number): string {
  return `${mbps.toFixed(1)} Mbps`;
}

/** Axis ticks: enough significant digits that neighbouring ticks differ (0.05, 0.1, 0.15 Mbps). */
export function formatMbpsTick(mbps: number): string {
  return `${Number(mbps.toPrecision(3))} Mbps`;
}
