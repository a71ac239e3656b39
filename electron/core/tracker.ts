import type { CounterDelta, CounterReading } from '../../shared/types';

/** The last counters accepted for a router: the baseline the next delta is measured from. */
export interface PreviousReading extends CounterReading {
  at: Date;
}

/**
 * Turns cumulative counters into per-poll deltas (the design's BandwidthTracker).
 *
 * `computeDelta` only looks; `accept` moves the baseline. The cycle calls `accept` after its
 * transaction commits, so a failed write leaves the baseline where the database has it and
 * the next cycle counts the same bytes again instead of losing them.
 */
export class BandwidthTracker {
  private readonly previous = new Map<number, PreviousReading>();

  has(routerId: number): boolean {
    return this.previous.has(routerId);
  }

  get(routerId: number): PreviousReading | undefined {
    return this.previous.get(routerId);
  }

  computeDelta(routerId: number, current: CounterReading): CounterDelta {
    const previous = this.previous.get(routerId);
    if (previous === undefined) return { kind: 'baseline', rxDiff: 0n, txDiff: 0n };
    return deltaBetween(previous, current);
  }

  accept(routerId: number, reading: PreviousReading): void {
    this.previous.set(routerId, reading);
  }
}

/** The design's rules: a counter that went down, or an uptime that went down, is a reboot. */
export function deltaBetween(previous: CounterReading, current: CounterReading): CounterDelta {
  if (current.rxBytes < previous.rxBytes || current.txBytes < previous.txBytes) {
    return { kind: 'reset', rxDiff: 0n, txDiff: 0n, reason: 'counters' };
  }
  if (previous.uptime !== null && current.uptime !== null && current.uptime < previous.uptime) {
    return { kind: 'reset', rxDiff: 0n, txDiff: 0n, reason: 'uptime' };
  }
  return {
    kind: 'delta',
    rxDiff: current.rxBytes - previous.rxBytes,
    txDiff: current.txBytes - previous.txBytes,
  };
}
