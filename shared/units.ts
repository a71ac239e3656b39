// Decimal units, as in the original design: 1 KB = 1,000 bytes, 1 MB = 1,000,000 bytes.
const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'] as const;

/** `1000000n` → `1.00 MB`. Bytes below 1 KB are shown whole (`999 B`). */
export function formatBytes(bytes: bigint | number): string {
  const value = typeof bytes === 'bigint' ? Number(bytes) : bytes;
  const sign = value < 0 ? '-' : '';
  let scaled = Math.abs(value);
  let unit = 0;
  while (scaled >= 1000 && unit < BYTE_UNITS.length - 1) {
    scaled /= 1000;
    unit += 1;
  }
  // 999,999 bytes rounds to "1000.00 KB" at two decimals: move up one unit instead.
  if (unit > 0 && unit < BYTE_UNITS.length - 1 && Number(scaled.toFixed(2)) >= 1000) {
    scaled /= 1000;
    unit += 1;
  }
  return unit === 0
    ? `${sign}${Math.round(scaled)} B`
    : `${sign}${scaled.toFixed(2)} ${BYTE_UNITS[unit]}`;
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
