/**
 * At most `limit` uses in any window of `windowMs`: enough for a person pressing a button, far
 * too few to scan ports or guess a password through the app.
 */
export class RateLimit {
  private readonly uses: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    // Monotonic: a wall-clock step must neither lock the button for an hour nor reset the count.
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Counts one use and returns 0, or returns how many ms to wait when the limit is reached. */
  take(): number {
    const now = this.now();
    while (this.uses.length > 0 && (this.uses[0] ?? 0) <= now - this.windowMs) this.uses.shift();
    if (this.uses.length >= this.limit) return (this.uses[0] ?? now) + this.windowMs - now;
    this.uses.push(now);
    return 0;
  }
}
