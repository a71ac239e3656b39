/**
 * Turns a stream of successes and failures into one log line when an outage starts and one
 * when it ends, instead of a line every cycle (the design's "log once"). Its length is measured
 * on the monotonic clock: a wall-clock step during the outage must not make it "−3 h" long.
 */
export class OutageLog {
  private failures = 0;
  private sinceMs: number | null = null;
  /** What ended, when every failure of this outage was one that names its own end. */
  private recovery: string | null = null;

  constructor(
    private readonly what: string,
    /** Milliseconds on a clock that never steps (the poller's `monotonic`). */
    private readonly monotonic: () => number = () => performance.now(),
  ) {}

  get isDown(): boolean {
    return this.failures > 0;
  }

  get failedAttempts(): number {
    return this.failures;
  }

  /**
   * The line to log, or null when this outage was already reported. `recovery` says what the
   * end of the outage is when the failure was not `what` going away (for example, the writer
   * lock's connection was closed while MySQL stayed up); one plain failure in the outage, and
   * its end is `what` being back.
   */
  failure(message: string, recovery?: string): string | null {
    this.failures += 1;
    if (this.failures > 1) {
      if (recovery === undefined) this.recovery = null;
      return null;
    }
    this.sinceMs = this.monotonic();
    this.recovery = recovery ?? null;
    return message;
  }

  success(): string | null {
    if (this.failures === 0) return null;
    const seconds =
      this.sinceMs === null ? 0 : Math.max(0, Math.round((this.monotonic() - this.sinceMs) / 1000));
    const after = `after ${this.failures} failed attempt(s) over ${seconds} s`;
    const line =
      this.recovery === null ? `${this.what} is back ${after}` : `${this.recovery} ${after}`;
    this.failures = 0;
    this.sinceMs = null;
    this.recovery = null;
    return line;
  }
}
