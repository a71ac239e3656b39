import type { HistoryRequest, HistoryResult } from './ipc-contract';
import { zonedIso } from './zoned-time';

/** The bucket's start is in the zone the page shows, named in its column's header. */
const header = (timeZone: string, withRole: boolean) =>
  [
    'router_id',
    'router_name',
    'mac_address',
    `bucket_start (${timeZone})`,
    'rx_bytes',
    'tx_bytes',
    'resets',
    ...(withRole ? ['role'] : []),
  ].map(csvField);

/** RFC 4180 quoting; a leading =, +, - or @ is defused so a spreadsheet never runs a name as a formula. */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One row per router per bucket of the range (zeros included), whole bytes, times as ISO 8601
 * in the page's zone with their offset (`2026-11-27T15:00:00+01:00`). The `role` column says
 * which rows are the internet usage (`edge`) and which a breakdown of it (`inside`): summing
 * every row would count the same bytes twice. While no router is the edge, every row is `all`.
 */
export function historyCsv(result: HistoryResult, timeZone = 'UTC'): string {
  // A light answer (sums only) has no router's buckets: exported, every figure would read 0.
  if (result.sums !== undefined && result.buckets.length === 0 && result.routers.length > 0)
    throw new Error('the CSV needs the per-router answer (detail "buckets"), not the sums');
  const byKey = new Map(result.buckets.map((b) => [`${b.routerId}|${b.start}`, b]));
  const edge = result.edge;
  const edgeIds = new Set(edge?.routerIds ?? []);
  const roleOf = (id: number) =>
    edge === undefined ? [] : [edge.rule === 'all' ? 'all' : edgeIds.has(id) ? 'edge' : 'inside'];
  const lines = [header(timeZone, edge !== undefined).join(',')];
  for (const router of result.routers) {
    for (const start of result.bucketStarts) {
      const bucket = byKey.get(`${router.id}|${start}`);
      lines.push(
        [
          router.id,
          router.name,
          router.mac,
          zonedIso(new Date(start), timeZone),
          bucket?.rxBytes ?? '0',
          bucket?.txBytes ?? '0',
          bucket?.resets ?? 0,
          ...roleOf(router.id),
        ]
          .map((field, i) => (i === 4 || i === 5 ? String(field) : csvField(field)))
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The export's file name says what it holds: a custom range by its first and last day
 * (`bandwidth-2026-11-01-to-2026-11-07.csv`), the others by their length and the day exported.
 */
export function historyCsvName(
  range: HistoryRequest['range'],
  today: string,
  custom?: { from: string; to: string },
): string {
  if (range === 'custom' && custom !== undefined)
    return `bandwidth-${custom.from}-to-${custom.to}.csv`;
  return `bandwidth-${range}-${today}.csv`;
}
