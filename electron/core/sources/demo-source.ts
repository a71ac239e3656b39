import { parseDevicePayload } from '../payload';
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

interface DemoDevice {
  name: string;
  mac: string;
  ip: string;
  kind: 'gateway' | 'switch' | 'ap';
  /** Average bytes per second in the busiest hour. */
  peak: number;
  rx: bigint;
  tx: bigint;
  bootAt: number;
  /** Listed in the last poll that listed it, or never. */
  lastListedAt: number | null;
  rebootedSinceListed: boolean;
  truth: DemoTruth;
}

const DEVICES: Array<[string, DemoDevice['kind'], number]> = [
  ['Gateway', 'gateway', 6_000_000],
  ['Core Switch', 'switch', 4_000_000],
  ['Office Switch', 'switch', 1_500_000],
  ['Reception AP', 'ap', 900_000],
  ['Open Space AP', 'ap', 2_500_000],
  ['Meeting Room AP', 'ap', 1_200_000],
  ['Kitchen AP', 'ap', 600_000],
  ['Lab AP', 'ap', 1_800_000],
  ['Warehouse AP', 'ap', 400_000],
  ['Lobby AP', 'ap', 300_000],
  ['Terrace AP', 'ap', 200_000],
  ['Garden AP', 'ap', 150_000],
];

const MODELS: Record<DemoDevice['kind'], string> = {
  gateway: 'UDM-Pro',
  switch: 'USW-24-PoE',
  ap: 'U6-Pro',
};

/** The device that drops off the network for a while each day (a flaky outdoor link). */
const FLAKY = 'Garden AP';

/** Small deterministic generator (mulberry32): the same seed plays the same day. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** 0.1 at night to 1 in the afternoon, by the hour of the day (UTC, so every run is alike). */
function dayCurve(ms: number): number {
  const hour = (ms / 3_600_000) % 24;
  return 0.1 + 0.9 * Math.max(0, Math.sin(((hour - 6) / 16) * Math.PI));
}

/**
 * A simulated office network that needs no server: a dozen routers and access points with
 * day/night traffic, an occasional reboot, and one access point that drops off for an hour a
 * day and comes back. Every poll moves it to `now()`, and it keeps the ground truth of what
 * a correct tracker must count.
 */
export function createDemoSource(options: { now?: () => Date; seed?: number } = {}): DemoSource {
  const now = options.now ?? (() => new Date());
  const next = random(options.seed ?? 20_261_127);
  const start = now().getTime();
  const devices: DemoDevice[] = DEVICES.map(([name, kind, peak], i) => {
    const mac = `02:DE:30:00:00:${(i + 1).toString(16).padStart(2, '0').toUpperCase()}`;
    return {
      name,
      mac,
      ip: `192.168.1.${i + 1}`,
      kind,
      peak,
      // Devices have been up for a while, with counters well past zero.
      rx: BigInt(Math.floor(next() * 50e9)),
      tx: BigInt(Math.floor(next() * 20e9)),
      bootAt: start - Math.floor((3 + next() * 30) * 86_400_000),
      lastListedAt: null,
      rebootedSinceListed: false,
      truth: {
        mac,
        name,
        firstRx: 0n,
        firstTx: 0n,
        countedRx: 0n,
        countedTx: 0n,
        discardedRx: 0n,
        discardedTx: 0n,
        reboots: 0,
      },
    };
  });
  let lastPoll = start;
  /** Traffic since each device was last listed: counted or discarded when it is listed again. */
  const pending = new Map<string, { rx: bigint; tx: bigint }>();

  /** Moves one device from `from` to `to`, rebooting it on the way now and then. */
  function advance(device: DemoDevice, from: number, to: number): void {
    const seconds = (to - from) / 1000;
    if (seconds <= 0) return;
    const offline = device.name === FLAKY && isOffline(to);
    const rate = offline ? 0 : device.peak * dayCurve((from + to) / 2) * (0.7 + 0.6 * next());
    const rx = BigInt(Math.floor(rate * seconds));
    const tx = BigInt(Math.floor(rate * seconds * (device.kind === 'gateway' ? 0.25 : 0.4)));
    // About one reboot per device every four days.
    const reboots = next() < seconds / (4 * 86_400);
    if (reboots) {
      const at = from + Math.floor(next() * (to - from));
      device.bootAt = at;
      device.rebootedSinceListed = true;
      // Counters restart from zero and hold only what came after the reboot.
      const share = BigInt(Math.floor(((to - at) / (to - from)) * 1000));
      device.rx = (rx * share) / 1000n;
      device.tx = (tx * share) / 1000n;
    } else {
      device.rx += rx;
      device.tx += tx;
    }
    addTraffic(device, rx, tx);
  }

  function addTraffic(device: DemoDevice, rx: bigint, tx: bigint): void {
    if (device.lastListedAt === null) return;
    pending.set(device.mac, {
      rx: (pending.get(device.mac)?.rx ?? 0n) + rx,
      tx: (pending.get(device.mac)?.tx ?? 0n) + tx,
    });
  }

  /** Offline between 02:00 and 03:00 UTC. */
  function isOffline(ms: number): boolean {
    return Math.floor(ms / 3_600_000) % 24 === 2;
  }

  return {
    description: 'demo network (simulated)',
    truth: () => devices.map((d) => ({ ...d.truth })),
    async fetchDevices() {
      const at = now().getTime();
      for (const device of devices) advance(device, lastPoll, at);
      lastPoll = at;
      const listed = devices.filter((d) => !(d.name === FLAKY && isOffline(at)));
      for (const device of listed) {
        const moved = pending.get(device.mac) ?? { rx: 0n, tx: 0n };
        pending.delete(device.mac);
        if (device.lastListedAt === null) {
          device.truth.firstRx = device.rx;
          device.truth.firstTx = device.tx;
        } else if (device.rebootedSinceListed) {
          device.truth.discardedRx += moved.rx;
          device.truth.discardedTx += moved.tx;
          device.truth.reboots += 1;
        } else {
          device.truth.countedRx += moved.rx;
          device.truth.countedTx += moved.tx;
        }
        device.lastListedAt = at;
        device.rebootedSinceListed = false;
      }
      return parseDevicePayload(
        listed.map((d) => ({
          name: d.name,
          mac: d.mac,
          ip: d.ip,
          brand: 'Ubiquiti',
          location: 'Demo office',
          model: MODELS[d.kind],
          rx_bytes: d.rx,
          tx_bytes: d.tx,
          uptime: Math.floor((at - d.bootAt) / 1000),
          xput_down: d.kind === 'gateway' ? 940.5 : null,
          xput_up: d.kind === 'gateway' ? 410.2 : null,
          latency: d.kind === 'gateway' ? 4 : null,
        })),
      );
    },
  };
}
