// What a quota crossing and an offline router say, in the console and as desktop notices.

import type { QuotaDirection, QuotaPeriodKind } from './quota';
import { formatBytes } from './units';

export interface QuotaCrossing {
  quotaId: number;
  /** `Internet`, `Internet (branch)` or the router's name. */
  label: string;
  /** A threshold reached, or the early warning of a forecast over the quota. */
  kind: 'threshold' | 'forecast';
  /** The threshold reached; for the early warning, the share used so far (rounded down). */
  percent: number;
  sizeBytes: bigint;
  usedBytes: bigint;
  forecastBytes: bigint | null;
  period: QuotaPeriodKind;
  direction: QuotaDirection;
  /** `1 Nov`: the period's first and last day. */
  since: string;
  by: string;
}

const PERIOD_WORD: Record<QuotaPeriodKind, string> = {
  month: 'monthly',
  week: 'weekly',
  day: 'daily',
};
const DIRECTION_WORD: Record<QuotaDirection, string> = {
  both: '',
  down: ' download',
  up: ' upload',
};

/** `1.00 TB monthly quota`, `50.00 GB weekly download quota`. */
export function quotaName(c: Pick<QuotaCrossing, 'sizeBytes' | 'period' | 'direction'>): string {
  return `${formatBytes(c.sizeBytes)} ${PERIOD_WORD[c.period]}${DIRECTION_WORD[c.direction]} quota`;
}

function forecastPart(c: QuotaCrossing): string {
  return c.forecastBytes === null ? '' : `, forecast ${formatBytes(c.forecastBytes)} by ${c.by}`;
}

/** The console line after the clock stamp: one per crossing. */
export function quotaLine(c: QuotaCrossing): string {
  if (c.kind === 'forecast') {
    return `📦 ${c.label} — forecast ${formatBytes(c.forecastBytes ?? 0n)} by ${c.by} is over the ${quotaName(c)} (${formatBytes(c.usedBytes)} used since ${c.since}, ${c.percent} %)`;
  }
  return `📦 ${c.label} — ${c.percent} % of the ${quotaName(c)} used (${formatBytes(c.usedBytes)} since ${c.since})${forecastPart(c)}`;
}

export function quotaNotice(c: QuotaCrossing): { title: string; body: string } {
  if (c.kind === 'forecast') {
    return {
      title: `${c.label}: on course to pass the ${quotaName(c)}`,
      body: `${formatBytes(c.usedBytes)} used since ${c.since} (${c.percent} %); forecast ${formatBytes(c.forecastBytes ?? 0n)} by ${c.by}.`,
    };
  }
  return {
    title: `${c.label}: ${c.percent} % of the ${quotaName(c)} used`,
    body: `${formatBytes(c.usedBytes)} of ${formatBytes(c.sizeBytes)} since ${c.since}${forecastPart(c)}.`,
  };
}

export interface OfflineChange {
  routerId: number;
  name: string;
  /** Gone for the set number of polls, or seen online again after that. */
  change: 'offline' | 'back';
  /** The first poll it was missing or reported offline. */
  since: Date;
  at: Date;
}

/** `14:02` on the workstation's clock. */
export function hourMinute(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** "Office AP has been offline since 14:02" / "Office AP is back online (offline since 14:02)". */
export function offlineText(c: OfflineChange): string {
  return c.change === 'offline'
    ? `${c.name} has been offline since ${hourMinute(c.since)}`
    : `${c.name} is back online (offline since ${hourMinute(c.since)})`;
}
