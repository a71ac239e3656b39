// Counters that went back: a reboot, a counter restart, or a 32-bit wrap.
//
// A reboot is the uptime going back (or shorter than the time since the last poll), or the
// counters going back where no uptime is sent. Counters going back while the uptime keeps
// growing are not a reboot: the counters alone restarted (an access point's top-level counters
// are the controller's accumulators and restart with the controller), or a 32-bit port counter
// wrapped. Either way the traffic since is known exactly and is counted.

import type { RebootPolicy } from '../../shared/settings';
import type { CounterDelta, CounterReading } from '../../shared/types';

export { REBOOT_POLICIES, type RebootPolicy } from '../../shared/settings';

const WRAP = 2n ** 32n;

/**
 * The delta when a counter went back but the device stayed up, or null when the uptime cannot
 * say so (absent on either side: the design's reboot rule applies). Per direction: a 32-bit
 * counter that was below 2^32 wrapped when the wrapped difference fits the link limit; else
 * the counters restarted from zero after the previous poll and hold exactly the traffic since.
 */
export function counterResetDelta(
  previous: CounterReading,
  current: CounterReading,
  limitBytes: bigint,
  /** The seconds since the previous reading, said with a glitch. */
  seconds = 0,
): CounterDelta | null {
  if (previous.uptime === null || current.uptime === null) return null;
  // The uptime must have moved on: equal uptimes (a device rebooted twice within a second,
  // or polled twice within one) cannot tell a restart from a reboot.
  if (current.uptime <= previous.uptime) return null;
  const wrapped = (before: bigint, now: bigint): bigint | null => {
    if (current.wraps32 !== true || now >= before || before >= WRAP) return null;
    const diff = now + WRAP - before;
    return diff <= limitBytes ? diff : null;
  };
  const rxWrap = wrapped(previous.rxBytes, current.rxBytes);
  const txWrap = wrapped(previous.txBytes, current.txBytes);
  const rxBack = current.rxBytes < previous.rxBytes;
  const txBack = current.txBytes < previous.txBytes;
  if ((!rxBack || rxWrap !== null) && (!txBack || txWrap !== null)) {
    return {
      kind: 'delta',
      rxDiff: rxWrap ?? current.rxBytes - previous.rxBytes,
      txDiff: txWrap ?? current.txBytes - previous.txBytes,
      counterReset: 'wrap',
    };
  }
  // A counter that restarted from zero holds only what it counted since the previous poll: one
  // still at half or more of its old value drifted back, it did not restart, and counting it
  // whole would count its lifetime again. Nothing is counted; it is the new baseline.
  const drifted = (before: bigint, now: bigint) => now < before && now * 2n >= before;
  if (drifted(previous.rxBytes, current.rxBytes) || drifted(previous.txBytes, current.txBytes)) {
    return {
      kind: 'glitch',
      rxDiff: 0n,
      txDiff: 0n,
      jumpRx: current.rxBytes - previous.rxBytes,
      jumpTx: current.txBytes - previous.txBytes,
      seconds,
    };
  }
  // The pair restarted together: each counter holds what it counted since.
  return {
    kind: 'delta',
    rxDiff: current.rxBytes,
    txDiff: current.txBytes,
    counterReset: 'restart',
  };
}

/**
 * What a true reboot counts under the policy. "Count since the reboot" is exact only when the
 * device's uptime is shorter than the time since the last poll (it booted after that poll, so
 * its counters hold exactly the traffic since); otherwise nothing is counted.
 */
export function rebootDelta(
  reason: 'counters' | 'uptime' | 'rebooted-in-gap',
  current: CounterReading,
  policy: RebootPolicy,
  elapsedAtLeast: number | null,
): CounterDelta {
  const countable =
    policy === 'count-since-reboot' &&
    current.uptime !== null &&
    elapsedAtLeast !== null &&
    current.uptime < elapsedAtLeast;
  return countable
    ? { kind: 'reset', rxDiff: current.rxBytes, txDiff: current.txBytes, reason }
    : { kind: 'reset', rxDiff: 0n, txDiff: 0n, reason };
}
