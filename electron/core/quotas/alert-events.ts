import type { OfflineEvent, QuotaEvent } from '../../../shared/ipc-contract';
import {
  type OfflineChange,
  type QuotaCrossing,
  quotaLine,
  quotaNotice,
} from '../../../shared/quota-notice';

export function quotaEventOf(crossings: readonly QuotaCrossing[]): QuotaEvent {
  return {
    crossings: crossings.map((c) => ({
      quotaId: c.quotaId,
      kind: c.kind,
      line: quotaLine(c),
      ...quotaNotice(c),
    })),
  };
}

export function offlineEventOf(changes: readonly OfflineChange[]): OfflineEvent {
  return {
    changes: changes.map((c) => ({
      routerId: c.routerId,
      name: c.name,
      change: c.change,
      since: c.since.toISOString(),
      at: c.at.toISOString(),
    })),
  };
}
