// A device list of many routers for the pages' tests: router i receives (i + 1) MB a poll, so
// the last one is the busiest, until the test freezes the counters and the figures hold.
export class ManyRouters {
  /** Polls answered so far. */
  polls = 0;
  /** The poll after which the counters stand still; null while they move. */
  frozenAt: number | null = null;

  constructor(
    private readonly count: number,
    /** The MACs' fourth byte: each test file its own routers. */
    private readonly macByte: string,
    private readonly txBytes: number,
  ) {}

  /** Counters stand still from the last poll answered. */
  freeze(): number {
    this.frozenAt = this.polls;
    return this.frozenAt;
  }

  payload(): unknown[] {
    this.polls += 1;
    const step = Math.min(this.polls, this.frozenAt ?? this.polls);
    return Array.from({ length: this.count }, (_, i) => ({
      name: `Router ${i}`,
      mac: `02:00:00:${this.macByte}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
      rx_bytes: 1_000_000_000 + step * 1_000_000 * (i + 1),
      tx_bytes: this.txBytes,
    }));
  }
}
