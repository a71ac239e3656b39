import { CLOCK_SLACK_SECONDS } from './elapsed-time';

/**
 * Notices when the wall clock moved against the monotonic one (NTP or a user stepped it, or
 * the machine slept), so the log says so once instead of leaving odd timestamps unexplained.
 */
export class ClockStepWatch {
  private offsetMs: number | null = null;

  /** A log line when the wall clock stepped since the last call, else null. */
  observe(wall: Date, monotonicMs: number): string | null {
    const offset = wall.getTime() - monotonicMs;
    const previous = this.offsetMs;
    this.offsetMs = offset;
    if (previous === null) return null;
    const step = offset - previous;
    // Slewing by NTP moves a few milliseconds per second; a real step or a sleep is far more.
    if (Math.abs(step) < (CLOCK_SLACK_SECONDS * 1000) / 6) return null;
    const by = durationText(Math.abs(step));
    return step < 0
      ? `The system clock went back ${by}; polling goes on by the monotonic clock, and no reading is skipped or counted twice (snapshots keep the wall time).`
      : `The system clock moved forward ${by} (set ahead, or this computer slept); polling goes on by the monotonic clock, and traffic meanwhile is counted at this poll.`;
  }
}

/** `1 h 00 min`, `26 h 05 min`, `45 s`. */
export function durationText(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
