import { formatBytes, formatMbps } from '../../shared/units';

export { formatBytes, formatMbps };

export function sumBytes(...values: string[]): bigint {
  return values.reduce((sum, value) => sum + BigInt(value), 0n);
}

/** A time of day in the user's locale; in `timeZone` when given, else the viewer's own. */
export function formatTime(iso: string | null, timeZone?: string): string {
  if (iso === null) return 'never';
  return new Date(iso).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    ...(timeZone === undefined ? {} : { timeZone }),
  });
}
