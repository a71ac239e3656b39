import type { DeviceResponse } from './device-server';

interface Uplink {
  mac: string;
  name: string;
  rxPerSecond: bigint;
  txPerSecond: bigint;
  rx: bigint;
  tx: bigint;
  /** Real second the device booted at. */
  bootAt: number;
  /** Whether the device reports its uptime (some sources do not). */
  reportsUptime: boolean;
  startRx: bigint;
  startTx: bigint;
}

/**
 * Real time, the machine's two clocks and a few busy uplinks, moved by the test. Real time is
 * what the devices live by (their counters and uptime); the wall clock is real time plus
 * whatever step the test applies; the monotonic clock is real time minus the time the machine
 * slept (Linux's CLOCK_MONOTONIC stops during a suspend).
 */
export class ClockWorld {
  private realSeconds = 0;
  private sleptSeconds = 0;
  /** Seconds the wall clock is off real time (a step). */
  wallOffset = 0;
  private readonly uplinks: Uplink[];

  constructor(
    private readonly start: Date,
    count = 3,
  ) {
    this.uplinks = Array.from({ length: count }, (_, i) => ({
      mac: `02:C0:00:00:00:${String(i + 1).padStart(2, '0')}`,
      name: `Uplink ${i + 1}`,
      // About 41 MB/s: 148 GB an hour, the busy uplink.
      rxPerSecond: 41_111_111n + BigInt(i) * 1_000_003n,
      txPerSecond: 9_876_543n + BigInt(i) * 77_777n,
      rx: 10n ** 12n * BigInt(i + 1),
      tx: 10n ** 11n * BigInt(i + 1),
      bootAt: -5 * 86_400,
      reportsUptime: i !== count - 1,
      startRx: 10n ** 12n * BigInt(i + 1),
      startTx: 10n ** 11n * BigInt(i + 1),
    }));
  }

  /** Time passes, traffic flows; `asleep`: the machine was suspended meanwhile. */
  advance(seconds: number, options: { asleep?: boolean } = {}): void {
    this.realSeconds += seconds;
    if (options.asleep === true) this.sleptSeconds += seconds;
    for (const u of this.uplinks) {
      u.rx += u.rxPerSecond * BigInt(seconds);
      u.tx += u.txPerSecond * BigInt(seconds);
    }
  }

  readonly wall = (): Date =>
    new Date(this.start.getTime() + (this.realSeconds + this.wallOffset) * 1000);

  readonly monotonic = (): number => 1_000_000 + (this.realSeconds - this.sleptSeconds) * 1000;

  /** The device API's answer now. */
  readonly respond = (): DeviceResponse => ({
    devices: this.uplinks.map((u) => ({
      name: u.name,
      mac: u.mac,
      rx_bytes: u.rx,
      tx_bytes: u.tx,
      ...(u.reportsUptime ? { uptime: this.realSeconds - u.bootAt } : {}),
    })),
  });

  /** Bytes that went through since the first reading (taken at real time 0). */
  served(): bigint {
    return this.uplinks.reduce((sum, u) => sum + (u.rx - u.startRx) + (u.tx - u.startTx), 0n);
  }
}
