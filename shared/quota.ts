// A data cap on the internet usage or on one router: what it counts, over which period.

export type QuotaPeriodKind = 'month' | 'week' | 'day';
/** Download is the `rx_*` columns, upload the `tx_*` ones. */
export type QuotaDirection = 'down' | 'up' | 'both';

export interface QuotaPeriodRule {
  kind: QuotaPeriodKind;
  /** Monthly only: the day of the month the period starts (1–31; past the month's end = its last day). */
  billingDay: number;
}

export interface QuotaDefinition {
  /** `wan` (every edge router), `wan@SITE` (the edge routers of one site), a router name or MAC. */
  target: string;
  sizeBytes: bigint;
  period: QuotaPeriodRule;
  direction: QuotaDirection;
  /** IANA zone the period's days are counted in (the creating workstation's by default). */
  timeZone: string;
  /** Percentages announced once per period, ascending (80, 90, 100 by default). */
  thresholds: number[];
}

export interface StoredQuota extends QuotaDefinition {
  id: number;
}

export const DEFAULT_THRESHOLDS: readonly number[] = [80, 90, 100];

/** What the headline's internet target is called in lines and notices. */
export function targetLabel(target: string, routerName: string | null = null): string {
  if (target === 'wan') return 'Internet';
  if (target.startsWith('wan@')) return `Internet (${target.slice(4)})`;
  return routerName ?? target;
}

export function isInternetTarget(target: string): boolean {
  return target === 'wan' || target.startsWith('wan@');
}

/** The workstation's own zone, stored with a quota it creates. */
export function workstationTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
