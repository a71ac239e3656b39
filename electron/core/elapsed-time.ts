// How long passed between two readings of one router, from the clocks that saw them.
//
// Three clocks, none trustworthy alone:
// - the wall clock dates every reading (it is when the traffic happened, as far as anyone knows)
//   but NTP, a user or a dual-boot machine can step it by hours, either way;
// - the monotonic clock never steps, but it belongs to one process (another copy's, or this
//   copy's before a restart, cannot be compared) and on Linux it stops while the machine sleeps;
// - the device's uptime runs on the device, unaffected by either, until the device reboots.
// A step moves the wall clock alone. A sleep moves the wall clock and the device's uptime
// together while the monotonic clock stands still. Comparing the three tells them apart.

/** Where a reading sits on the monotonic clock of the copy (process) that took it. */
export interface MonotonicStamp {
  /** The copy whose clock it is: stamps of different copies cannot be compared. */
  copy: string;
  ms: number;
}

export interface TimedReading {
  at: Date;
  uptime: number | null;
  monotonic?: MonotonicStamp | null;
}

/**
 * How far apart two clocks may drift over one poll before they are said to disagree: uptime
 * has one-second steps and a poll's times are taken when its answer arrived, so they differ
 * by up to a fetch timeout.
 */
export const CLOCK_SLACK_SECONDS = 30;

export interface Elapsed {
  /**
   * Surely passed: what the "uptime shorter than the gap" rule may rely on. Above `atMost`
   * only when the device's uptime is shorter than a sleep it must have lived through.
   */
  atLeast: number;
  /** At most passed, as far as any trustworthy clock says: the link-limit cap (Infinity: unknown). */
  atMost: number;
  /** Which clock decided, for log lines and tests. */
  by: 'monotonic' | 'wall' | 'uptime';
}

/** Seconds between two readings of one router; see the README, "How the counting works". */
export function elapsedBetween(previous: TimedReading, current: TimedReading): Elapsed {
  const wall = (current.at.getTime() - previous.at.getTime()) / 1000;
  const mono =
    previous.monotonic != null &&
    current.monotonic != null &&
    previous.monotonic.copy === current.monotonic.copy
      ? (current.monotonic.ms - previous.monotonic.ms) / 1000
      : null;
  // The device's own clock, while it did not reboot (uptime that went down is a reset anyway).
  const uptime =
    previous.uptime !== null && current.uptime !== null && current.uptime >= previous.uptime
      ? current.uptime - previous.uptime
      : null;
  if (mono === null) {
    // Measured from another copy's (or a previous run's) reading: the wall clock is the only
    // clock the two share. The device's uptime may say more time passed (never less lost).
    // A wall clock behind the earlier reading was stepped back since: then nothing but the
    // device's uptime bounds the gap, and without one no link limit can be judged.
    if (wall < 0) {
      return uptime !== null
        ? { atLeast: 0, atMost: uptime, by: 'uptime' }
        : { atLeast: 0, atMost: Number.POSITIVE_INFINITY, by: 'wall' };
    }
    return uptime !== null && uptime > wall
      ? { atLeast: wall, atMost: uptime, by: 'uptime' }
      : { atLeast: wall, atMost: wall, by: 'wall' };
  }
  // The monotonic clock never runs ahead of real time, so at least that much passed. A sleep
  // only ever moves the wall clock ahead of it; a wall clock that fell behind was stepped back.
  if (wall <= mono + CLOCK_SLACK_SECONDS) return { atLeast: mono, atMost: mono, by: 'monotonic' };
  // The wall clock ran ahead: the machine slept, or the clock was stepped forward. The
  // device's uptime tells which: it moved with the wall clock across a sleep, with the
  // monotonic one across a step. Without an uptime, assume a sleep: counting hours of traffic
  // is better than calling it a glitch.
  if (uptime === null) return { atLeast: mono, atMost: wall, by: 'wall' };
  if (uptime <= mono + CLOCK_SLACK_SECONDS) return { atLeast: mono, atMost: mono, by: 'monotonic' };
  // The uptime moved past the monotonic clock: the machine slept, and the wall clock's gap
  // passed. A device whose uptime is now shorter than that gap rebooted during the sleep
  // (its counters may have climbed past the old ones again): atLeast lets the reset rule see it.
  return { atLeast: wall, atMost: uptime, by: 'uptime' };
}
