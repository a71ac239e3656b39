// What a quota bar shows, worked out once for the popover and its tests.

import type { QuotaView } from './ipc-contract';
import { formatBytes } from './units';

export interface QuotaBarFigures {
  /** Share used, 0–100 for the bar (the text says more when over). */
  usedPercent: number;
  /** Share used, also past 100. */
  usedShare: number;
  /** Where the forecast falls on the bar, 0–100; null without a forecast. */
  forecastPercent: number | null;
  usedText: string;
  leftText: string;
  daysLeftText: string;
  forecastText: string | null;
  level: 'ok' | 'warn' | 'over';
}

const PERIOD_NAME = { month: 'monthly', week: 'weekly', day: 'daily' } as const;
const DIRECTION_NAME = { both: '', down: ' download', up: ' upload' } as const;

export function quotaTitle(view: QuotaView): string {
  return `${view.label}${quotaTitleAfterLabel(view)}`;
}

/** The title after the target's label, which the pages isolate (a router's name may hold bidi controls). */
export function quotaTitleAfterLabel(view: QuotaView): string {
  return ` · ${formatBytes(BigInt(view.sizeBytes))} ${PERIOD_NAME[view.period]}${DIRECTION_NAME[view.direction]}`;
}

export function quotaBarFigures(view: QuotaView): QuotaBarFigures {
  const size = BigInt(view.sizeBytes);
  const used = BigInt(view.usedBytes);
  const forecast = view.forecastBytes === null ? null : BigInt(view.forecastBytes);
  const share = (bytes: bigint) => Number((bytes * 10_000n) / size) / 100;
  const usedShare = share(used);
  const lowest = view.thresholds[0] ?? 80;
  return {
    usedPercent: Math.min(100, usedShare),
    usedShare,
    forecastPercent: forecast === null ? null : Math.min(100, share(forecast)),
    usedText: `${formatBytes(used)} used`,
    leftText:
      used >= size ? `${formatBytes(used - size)} over` : `${formatBytes(size - used)} left`,
    daysLeftText: view.daysLeft === 1 ? '1 day left' : `${view.daysLeft} days left`,
    forecastText:
      forecast === null
        ? null
        : `forecast ${formatBytes(forecast)} by ${view.by}${forecast > size ? ' (over)' : ''}`,
    level:
      used >= size || (forecast !== null && forecast > size)
        ? 'over'
        : usedShare >= lowest
          ? 'warn'
          : 'ok',
  };
}
