import type { CounterDelta, CounterReading } from '../../shared/types';
import { counterResetDelta, type RebootPolicy, rebootDelta } from './counter-reset';
import { CLOCK_SLACK_SECONDS, elapsedBetween, type MonotonicStamp } from './elapsed-time';

/** Where a reading sits in the polls of the copy that took it: a clock step cannot reorder it. */
export interface ReadingOrder {
  /** The copy (process) that polled: sequences compare only within one copy. */
  copy: string;
  sequence: number;
}

/** The last counters accepted for a router: the baseline the next delta is measured from. */
export interface PreviousReading extends CounterReading {
  at: Date;
  /** On the monotonic clock of the copy that took it; absent when read back from the database. */
  monotonic?: MonotonicStamp | null;
  /** Absent for readings stored before the order was kept (or recorded without one). */
  order?: ReadingOrder | null;
  /** The source the counters came from (`device API at http://…`), when known. */
  source?: string | null;
}

/** A reading being measured: its wall time, and its monotonic time when it was just polled. */
export interface ReadingTime {
  at: Date;
  monotonic?: MonotonicStamp | null;
}

export interface TrackerLimits {
  /** A delta above this rate times the elapsed time is a glitch, not traffic (default 10 Gbps). */
  maxBytesPerSecond: number;
  /** What a true reboot counts (default `new-baseline`: nothing, as in the design). */
  rebootPolicy?: RebootPolicy;
}

export const DEFAULT_MAX_LINK_GBPS = 10;
export const DEFAULT_LIMITS: TrackerLimits = { maxBytesPerSecond: gbpsToBytesPerSecond(10) };

export function gbpsToBytesPerSecond(gbps: number): number {
  return (gbps * 1_000_000_000) / 8;
}

/**
 * Slack on "uptime shorter than the gap": uptime has one-second steps and each poll time is
 * taken when its answer arrived, so the two clocks disagree by up to a fetch timeout.
 */
export const UPTIME_SLACK_SECONDS = CLOCK_SLACK_SECONDS;

/**
 * Turns cumulative counters into per-poll deltas (the design's BandwidthTracker), keyed by
 * whatever identifies a router to its owner (a router id for the recorder, a MAC for the
 * live view).
 *
 * `computeDelta` only looks; `accept` moves the baseline. The recorder calls `accept` after
 * its transaction commits, so a failed write leaves the baseline where the database has it.
 */
export class BandwidthTracker<Key = number> {
  private readonly previous = new Map<Key, PreviousReading>();

  constructor(private readonly limits: TrackerLimits = DEFAULT_LIMITS) {}

  has(key: Key): boolean {
    return this.previous.has(key);
  }

  get(key: Key): PreviousReading | undefined {
    return this.previous.get(key);
  }

  computeDelta(key: Key, current: CounterReading, at: Date | ReadingTime): CounterDelta {
    const previous = this.previous.get(key);
    if (previous === undefined) return { kind: 'baseline', rxDiff: 0n, txDiff: 0n };
    return deltaBetween(previous, current, at, this.limits);
  }

  /** Forgets one router's baseline: its next reading is measured from the database again. */
  forget(key: Key): void {
    this.previous.delete(key);
  }

  accept(key: Key, reading: PreviousReading): void {
    this.previous.set(key, reading);
  }

  /** Forgets every baseline: the next reading of each router is measured from the database again. */
  clear(): void {
    this.previous.clear();
  }
}

/**
 * The rules, in order: an uptime that went back is a reboot; so is an uptime shorter than the
 * time since the last poll (the device rebooted during the gap, its counters may have climbed
 * past the old values again). Counters that went back while the uptime kept growing are a
 * counter restart (or a 32-bit wrap), counted (counter-reset.ts); without an uptime they are a
 * reboot, as in the design. A reboot counts nothing unless the reboot policy says otherwise. A
 * jump faster than the link limit is a glitch, not counted.
 */
export function deltaBetween(
  previous: PreviousReading,
  current: CounterReading,
  time: Date | ReadingTime,
  limits: TrackerLimits = DEFAULT_LIMITS,
): CounterDelta {
  const at = time instanceof Date ? time : time.at;
  const monotonic = time instanceof Date ? null : (time.monotonic ?? null);
  // Not fooled by a wall-clock step, and still right after a sleep (see elapsed-time.ts).
  const elapsed = elapsedBetween(previous, { at, uptime: current.uptime, monotonic });
  // At least one second: two polls stamped the same instant still allow a second's traffic.
  // When no clock bounds the gap, no jump can be judged too fast.
  const seconds = Math.max(elapsed.atMost, 1);
  // A number, compared with the bigint deltas exactly: no bigint allocated per device and poll.
  const limit = Number.isFinite(seconds) ? Math.ceil(limits.maxBytesPerSecond * seconds) : null;
  const policy = limits.rebootPolicy ?? 'new-baseline';
  let delta: CounterDelta;
  if (previous.uptime !== null && current.uptime !== null && current.uptime < previous.uptime) {
    delta = rebootDelta('uptime', current, policy, elapsed.atLeast + CLOCK_SLACK_SECONDS);
  } else if (current.uptime !== null && elapsed.atLeast > current.uptime + CLOCK_SLACK_SECONDS) {
    delta = rebootDelta('rebooted-in-gap', current, policy, elapsed.atLeast);
  } else if (current.rxBytes < previous.rxBytes || current.txBytes < previous.txBytes) {
    // Unbounded (no clock bounds the gap): any 32-bit wrap fits.
    delta =
      counterResetDelta(previous, current, limit === null ? 2n ** 64n : BigInt(limit), seconds) ??
      rebootDelta('counters', current, policy, null);
  } else {
    delta = {
      kind: 'delta',
      rxDiff: current.rxBytes - previous.rxBytes,
      txDiff: current.txBytes - previous.txBytes,
    };
  }
  if (limit !== null && (delta.rxDiff > limit || delta.txDiff > limit)) {
    return {
      kind: 'glitch',
      rxDiff: 0n,
      txDiff: 0n,
      jumpRx: delta.rxDiff,
      jumpTx: delta.txDiff,
      seconds,
    };
  }
  return delta;
}
