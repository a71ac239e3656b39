import type { RouterLive } from '../../shared/ipc-contract';

/** Busiest first; ties by name so rows do not jump around between cycles. */
export function byCurrentRate(a: RouterLive, b: RouterLive): number {
  const rate = b.rxMbps + b.txMbps - (a.rxMbps + a.txMbps);
  return rate !== 0 ? rate : a.name.localeCompare(b.name);
}

/**
 * Rows in a fixed order: the order taken when the popover opened, routers new since then at
 * the end. So rows never move under the reader's eyes; the next opening sorts again.
 */
export function inOrder(routers: readonly RouterLive[], order: readonly number[]): RouterLive[] {
  const rank = new Map(order.map((id, i) => [id, i]));
  return [...routers].sort(
    (a, b) =>
      (rank.get(a.id) ?? Number.MAX_SAFE_INTEGER) - (rank.get(b.id) ?? Number.MAX_SAFE_INTEGER) ||
      a.name.localeCompare(b.name),
  );
}

export const FRESHNESS_TEXT: Record<RouterLive['freshness'], string> = {
  fresh: 'Updated in the last poll',
  stale: 'Not seen in the last poll',
  rebooted: 'Rebooted in the last hour',
};
