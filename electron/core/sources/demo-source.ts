import { type ParsedPayload, parseDevicePayload } from '../payload';
import {
  DEMO_DEVICES,
  type DemoDevice,
  isListed,
  readingAt,
  rebootsBetween,
  trafficBetween,
} from './demo-network';
import type { DeviceSource } from './device-source';

/** What the demo network knows about one device, for checking the accounts against it. */
export interface DemoTruth {
  mac: string;
  name: string;
  /** Counters at the first poll that listed it: the tracker's baseline. */
  firstRx: bigint;
  firstTx: bigint;
  /** Traffic between polls with no reboot in between: what the design's rules count. */
  countedRx: bigint;
  countedTx: bigint;
  /** Traffic the reset rule discards by design (around reboots). */
  discardedRx: bigint;
  discardedTx: bigint;
  /** Polls that found it rebooted since the one before: each must be a flagged reset. */
  reboots: number;
}

export interface DemoSource extends DeviceSource {
  truth(): DemoTruth[];
}

/** The demo's devices at `ms`, parsed as a poll of them (their roles included). */
export function demoReadingsAt(ms: number): ParsedPayload {
  return parseDevicePayload(demoPayloadAt(ms), { roles: true });
}

/** The payload the demo's devices answer at `ms` (the flaky one missing during its outage). */
export function demoPayloadAt(ms: number): Record<string, unknown>[] {
  return DEMO_DEVICES.filter((d) => isListed(d, ms)).map((d) => {
    const reading = readingAt(d, ms);
    return {
      name: d.name,
      mac: d.mac,
      ip: d.ip,
      brand: 'Ubiquiti',
      location: 'Demo office',
      model: d.model,
      // The gateway is the office's internet edge; the switches and APs are behind it.
      role: d.kind === 'gateway' ? 'edge' : 'inside',
      rx_bytes: reading.rx,
      tx_bytes: reading.tx,
      uptime: reading.uptime,
      xput_down: d.kind === 'gateway' ? 940.5 : null,
      xput_up: d.kind === 'gateway' ? 410.2 : null,
      latency: d.kind === 'gateway' ? 4 : null,
    };
  });
}

/**
 * Keeps the ground truth of what a correct tracker counts from a series of polls: traffic
 * between two listings with no reboot between them is counted, across a reboot discarded.
 */
export class DemoTruthLedger {
  private readonly truths = new Map<string, DemoTruth>();
  private readonly lastListedAt = new Map<string, number>();

  observe(device: DemoDevice, ms: number): void {
    let truth = this.truths.get(device.mac);
    const last = this.lastListedAt.get(device.mac);
    if (truth === undefined || last === undefined) {
      const first = readingAt(device, ms);
      truth = {
        mac: device.mac,
        name: device.name,
        firstRx: first.rx,
        firstTx: first.tx,
        countedRx: 0n,
        countedTx: 0n,
        discardedRx: 0n,
        discardedTx: 0n,
        reboots: 0,
      };
      this.truths.set(device.mac, truth);
    } else {
      const moved = trafficBetween(device, last, ms);
      if (rebootsBetween(device, last, ms).length > 0) {
        truth.discardedRx += moved.rx;
        truth.discardedTx += moved.tx;
        truth.reboots += 1;
      } else {
        truth.countedRx += moved.rx;
        truth.countedTx += moved.tx;
      }
    }
    this.lastListedAt.set(device.mac, ms);
  }

  truth(): DemoTruth[] {
    return DEMO_DEVICES.flatMap((d) => {
      const t = this.truths.get(d.mac);
      return t === undefined ? [] : [{ ...t }];
    });
  }
}

/**
 * A simulated office network that needs no server: a dozen routers and access points with
 * day/night traffic, scheduled reboots, and one access point that drops off for an hour a day
 * (02:00–03:00 UTC) and comes back. It is a pure function of the clock (demo-network.ts), so
 * a restart continues the same counters, and it keeps the ground truth of what a correct
 * tracker must count.
 */
export function createDemoSource(options: { now?: () => Date } = {}): DemoSource {
  const now = options.now ?? (() => new Date());
  const ledger = new DemoTruthLedger();
  return {
    description: 'demo network (simulated)',
    truth: () => ledger.truth(),
    async fetchDevices() {
      const at = now().getTime();
      for (const device of DEMO_DEVICES) if (isListed(device, at)) ledger.observe(device, at);
      return demoReadingsAt(at);
    },
  };
}
