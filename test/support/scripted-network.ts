import type { DeviceResponse } from './device-server';

interface Router {
  mac: string;
  name: string;
  rx: bigint;
  tx: bigint;
  bootAt: number;
  /** Traffic produced since the script started: what the collector must end up counting. */
  producedRx: bigint;
  producedTx: bigint;
  reboots: number;
  /** Readings left without traffic before (positive) or after (after a reboot) a reboot. */
  quietBefore: number;
  quietAfter: number;
}

export interface RouterTruth {
  mac: string;
  rx: bigint;
  tx: bigint;
  reboots: number;
}

/**
 * A network whose traffic is known exactly. Each answered poll moves the script one step:
 * every router gains some traffic, and now and then one reboots (counters back to 0, uptime
 * restarts). Two quiet polls come before and after every reboot, so one poll lost to a crash
 * never hides traffic behind a reset: the design's reset rule then discards nothing, and the
 * collector must count exactly what was produced.
 */
export class ScriptedNetwork {
  private readonly routers: Router[];
  private step = 0;
  private settling = false;
  /** Seconds of extra traffic the next step carries (see `elapse`). */
  private pendingSeconds = 0;
  private pendingRate = 0n;
  /** Readings served, for the report. */
  served = 0;

  constructor(
    count: number,
    private readonly rebootEvery = 40,
  ) {
    this.routers = Array.from({ length: count }, (_, i) => ({
      mac: `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`.toUpperCase(),
      name: `Scripted ${i}`,
      rx: 0n,
      tx: 0n,
      bootAt: Date.now() - 10_000_000,
      producedRx: 0n,
      producedTx: 0n,
      reboots: 0,
      quietBefore: 0,
      quietAfter: 0,
    }));
  }

  /** The next poll's answer (pass to startDeviceServer). */
  readonly respond = (): DeviceResponse => {
    this.advance();
    this.served += 1;
    const now = Date.now();
    return {
      devices: this.routers.map((r) => ({
        name: r.name,
        mac: r.mac,
        ip: '10.0.0.1',
        brand: 'Ubiquiti',
        rx_bytes: r.rx,
        tx_bytes: r.tx,
        uptime: Math.floor((now - r.bootAt) / 1000),
        xput_down: 100.5,
        xput_up: 20.25,
        latency: 3,
      })),
    };
  };

  /**
   * `seconds` pass for the devices before the next reading: their uptimes move on by that
   * much, and the next step carries that long of traffic at `bytesPerSecond` (what a laptop
   * finds when it wakes up from sleep).
   */
  elapse(seconds: number, bytesPerSecond: bigint): void {
    for (const r of this.routers) r.bootAt -= seconds * 1000;
    this.pendingSeconds = seconds;
    this.pendingRate = bytesPerSecond;
  }

  /** No more traffic or reboots: the next reading anyone takes shows the final counters. */
  settle(): void {
    this.settling = true;
  }

  truth(): RouterTruth[] {
    return this.routers.map((r) => ({
      mac: r.mac,
      rx: r.producedRx,
      tx: r.producedTx,
      reboots: r.reboots,
    }));
  }

  private advance(): void {
    this.step += 1;
    // The first readings are all zeros: a router's first sight is a baseline, counted in its
    // totals but not in a snapshot diff, so zeros keep both equal to the traffic produced.
    if (this.settling || this.step <= 2) return;
    const burst = this.pendingRate * BigInt(this.pendingSeconds);
    this.pendingSeconds = 0;
    this.routers.forEach((r, i) => {
      if (r.quietBefore > 0) {
        r.quietBefore -= 1;
        if (r.quietBefore === 0) {
          r.rx = 0n;
          r.tx = 0n;
          r.bootAt = Date.now();
          r.reboots += 1;
          r.quietAfter = 2;
        }
        return;
      }
      if (r.quietAfter > 0) {
        r.quietAfter -= 1;
        return;
      }
      if ((this.step + i * 7) % (this.rebootEvery + i) === 0) {
        r.quietBefore = 3;
        return;
      }
      const rx = burst + BigInt(1_000 + ((this.step * 7_919 + i * 104_729) % 1_500_000));
      const tx = burst / 4n + BigInt(500 + ((this.step * 3_571 + i * 7_727) % 400_000));
      r.rx += rx;
      r.tx += tx;
      r.producedRx += rx;
      r.producedTx += tx;
    });
  }
}
