import type { RouterLive } from '../../shared/ipc-contract';

/** Busiest first; ties by name so rows do not jump around between cycles. */
export function byCurrentRate(a: RouterLive, b: RouterLive): number {
  const rate = b.rxMbps + b.txMbps - (a.rxMbps + a.txMbps);
  return rate !== 0 ? rate : a.name.localeCompare(b.name);
}

export const FRESHNESS_TEXT: Record<RouterLive['freshness'], string> = {
  fresh: 'Updated in the last poll',
  stale: 'Not seen in the last poll',
  rebooted: 'Rebooted in the last hour',
};
