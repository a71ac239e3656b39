/**
 * Turns a stream of successes and failures into one log line when an outage starts and one
 * when it ends, instead of a line every cycle (the design's "log once").
 */
export class OutageLog {
  private failures = 0;
  private since: Date | null = null;

  constructor(private readonly what: string) {}

  get isDown(): boolean {
    return this.failures > 0;
  }

  get failedAttempts(): number {
    return this.failures;
  }

  /** The line to log, or null when this outage was already reported. */
  failure(message: string, at: Date): string | null {
    this.failures += 1;
    if (this.failures > 1) return null;
    this.since = at;
    return message;
  }

  success(at: Date): string | null {
    if (this.failures === 0) return null;
    const seconds =
      this.since === null ? 0 : Math.round((at.getTime() - this.since.getTime()) / 1000);
    const line = `${this.what} is back after ${this.failures} failed attempt(s) over ${seconds} s`;
    this.failures = 0;
    this.since = null;
    return line;
  }
}
