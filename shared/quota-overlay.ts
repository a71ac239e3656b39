// What the history's monthly view draws for a quota: where its periods start, the usage
// accumulated since the last start (bucket by bucket), and the quota's size to compare it with.

import type { QuotaView } from './ipc-contract';
import { periodBounds } from './quota-period';

export interface QuotaOverlay {
  label: string;
  /** Bucket indexes where a new period starts (the first bucket only when a period starts there). */
  boundaries: number[];
  /** Bytes counted from the period start through each bucket; null before the first boundary seen. */
  cumulative: Array<number | null>;
  sizeBytes: number;
}

/**
 * Day buckets only: a bucket whose local day is a period's first day starts a new sum. Usage
 * is that of the routers shown, in the quota's direction, so with the quota's routers selected
 * the line meets the quota where the popover's bar is full.
 */
export function quotaOverlay(
  bucketStarts: readonly string[],
  rxBytes: readonly bigint[],
  txBytes: readonly bigint[],
  quota: QuotaView,
): QuotaOverlay {
  const boundaries: number[] = [];
  const cumulative: Array<number | null> = [];
  let sum = 0n;
  let currentStart: number | null = null;
  const rule = { kind: quota.period, billingDay: quota.billingDay };
  bucketStarts.forEach((iso, i) => {
    const start = new Date(iso);
    const bounds = periodBounds(rule, start, quota.timeZone);
    // The first bucket may be mid-period: the sum starts with the period it is in.
    if (currentStart === null || bounds.start.getTime() !== currentStart) {
      if (currentStart !== null || bounds.start.getTime() === start.getTime()) boundaries.push(i);
      currentStart = bounds.start.getTime();
      sum = 0n;
    }
    const rx = rxBytes[i] ?? 0n;
    const tx = txBytes[i] ?? 0n;
    sum += quota.direction === 'down' ? rx : quota.direction === 'up' ? tx : rx + tx;
    cumulative.push(Number(sum));
  });
  return {
    label: `${quota.label} quota`,
    boundaries,
    cumulative,
    sizeBytes: Number(BigInt(quota.sizeBytes)),
  };
}

/** The quota the monthly view shows: the first monthly one, the internet's first. */
export function quotaForHistory(quotas: readonly QuotaView[]): QuotaView | null {
  const monthly = quotas.filter((q) => q.period === 'month');
  return monthly.find((q) => q.target === 'wan') ?? monthly[0] ?? null;
}
