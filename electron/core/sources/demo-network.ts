// The demo network as a pure function of wall-clock time: the same instant gives the same
// counters, uptimes and reboots on every run, so a restarted demo continues where it was
// (no fake reboot) and the history it fills in is exactly what live polling would have seen.

export type DemoKind = 'gateway' | 'switch' | 'ap';

export interface DemoDevice {
  index: number;
  name: string;
  mac: string;
  ip: string;
  kind: DemoKind;
  model: string;
  /** Average bytes per second received in the busiest hour of a weekday. */
  peak: number;
  /** Upload as a share of download. */
  txShare: number;
  /** Milliseconds between two scheduled reboots of this device (each falls somewhere in its period). */
  rebootPeriodMs: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Reboot periods are counted from here; any instant after it has a defined boot time. */
const ORIGIN_MS = Date.UTC(2020, 0, 1);

const MODELS: Record<DemoKind, string> = {
  gateway: 'UDM-Pro',
  switch: 'USW-24-PoE',
  ap: 'U6-Pro',
};

const TABLE: Array<[string, DemoKind, number]> = [
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

export const DEMO_DEVICES: readonly DemoDevice[] = TABLE.map(([name, kind, peak], index) => ({
  index,
  name,
  mac: `02:DE:30:00:00:${(index + 1).toString(16).padStart(2, '0').toUpperCase()}`,
  ip: `192.168.1.${index + 1}`,
  kind,
  model: MODELS[kind],
  peak,
  txShare: kind === 'gateway' ? 0.25 : 0.4,
  // Between 3 and 8.5 days, different per device so reboots do not line up.
  rebootPeriodMs: Math.round((3 + ((index * 7) % 12) * 0.5) * DAY_MS),
}));

/** The access point that drops off the network every day (a flaky outdoor link). */
export const FLAKY_DEVICE = 'Garden AP';

/** The flaky access point is not listed from 02:00 to 03:00 UTC and carries nothing then. */
export function isFlakyOutage(ms: number): boolean {
  return Math.floor(ms / HOUR_MS) % 24 === 2;
}

/** Whether the device answers at `ms`. */
export function isListed(device: DemoDevice, ms: number): boolean {
  return !(device.name === FLAKY_DEVICE && isFlakyOutage(ms));
}

/** A well-mixed number in [0, 1) from two integers (a hash, so any instant can be asked directly). */
function noise(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be59b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 4_294_967_296;
}

/** 0.1 at night to 1 in the afternoon, by the UTC hour; weekends at 40 %. */
function loadAt(hourIndex: number): number {
  const hour = hourIndex % 24;
  const day = Math.floor(hourIndex / 24);
  // 1970-01-01 was a Thursday: day 2 is a Saturday, day 3 a Sunday.
  const weekend = (day + 3) % 7 >= 5 ? 0.4 : 1;
  return weekend * (0.1 + 0.9 * Math.max(0, Math.sin(((hour + 0.5 - 6) / 16) * Math.PI)));
}

/** Bytes received by `device` during the whole UTC hour `hourIndex` (hours since 1970). */
function rxInHour(device: DemoDevice, hourIndex: number): number {
  if (device.name === FLAKY_DEVICE && isFlakyOutage(hourIndex * HOUR_MS)) return 0;
  const jitter = 0.7 + 0.6 * noise(device.index + 1, hourIndex);
  return Math.floor(device.peak * loadAt(hourIndex) * jitter * 3600);
}

function txInHour(device: DemoDevice, hourIndex: number): number {
  return Math.floor(rxInHour(device, hourIndex) * device.txShare);
}

/**
 * Bytes carried from `from` to `to` (ms), traffic spread evenly within each hour. Integer
 * arithmetic on a cumulative curve, so (a→b) + (b→c) always equals (a→c) exactly.
 */
export function trafficBetween(
  device: DemoDevice,
  from: number,
  to: number,
): { rx: bigint; tx: bigint } {
  if (to <= from) return { rx: 0n, tx: 0n };
  const [rxTo, txTo] = cumulativeSince(device, from, to);
  return { rx: BigInt(rxTo), tx: BigInt(txTo) };
}

/** Traffic from the start of `from`'s hour to `to`, minus that up to `from`. */
function cumulativeSince(device: DemoDevice, from: number, to: number): [number, number] {
  const firstHour = Math.floor(from / HOUR_MS);
  const partial = (hourIndex: number, ms: number, inHour: (d: DemoDevice, h: number) => number) =>
    Math.floor((inHour(device, hourIndex) * (ms - hourIndex * HOUR_MS)) / HOUR_MS);
  const lastHour = Math.floor(to / HOUR_MS);
  let rx = 0;
  let tx = 0;
  for (let h = firstHour; h < lastHour; h += 1) {
    rx += rxInHour(device, h);
    tx += txInHour(device, h);
  }
  rx += partial(lastHour, to, rxInHour) - partial(firstHour, from, rxInHour);
  tx += partial(lastHour, to, txInHour) - partial(firstHour, from, txInHour);
  return [rx, tx];
}

/** When the scheduled reboot of period `k` happens (ms), somewhere inside that period. */
function rebootOfPeriod(device: DemoDevice, k: number): number {
  const start = ORIGIN_MS + k * device.rebootPeriodMs;
  // Whole seconds, and never in the first or last hour of the period.
  const offset = HOUR_MS + noise(1000 + device.index, k) * (device.rebootPeriodMs - 2 * HOUR_MS);
  return start + Math.floor(offset / 1000) * 1000;
}

/** The last reboot at or before `ms`: counters count from zero since then. */
export function bootTimeAt(device: DemoDevice, ms: number): number {
  const k = Math.floor((ms - ORIGIN_MS) / device.rebootPeriodMs);
  const reboot = rebootOfPeriod(device, k);
  return reboot <= ms ? reboot : rebootOfPeriod(device, k - 1);
}

/** Every scheduled reboot in (from, to], oldest first. */
export function rebootsBetween(device: DemoDevice, from: number, to: number): number[] {
  const result: number[] = [];
  const first = Math.floor((from - ORIGIN_MS) / device.rebootPeriodMs);
  const last = Math.floor((to - ORIGIN_MS) / device.rebootPeriodMs);
  for (let k = first; k <= last; k += 1) {
    const at = rebootOfPeriod(device, k);
    if (at > from && at <= to) result.push(at);
  }
  return result;
}

export interface DemoReading {
  rx: bigint;
  tx: bigint;
  /** Whole seconds since the last reboot. */
  uptime: number;
  bootAt: number;
}

/** What the device reports at `ms`: counters since its last reboot, and its uptime. */
export function readingAt(device: DemoDevice, ms: number): DemoReading {
  const bootAt = bootTimeAt(device, ms);
  const { rx, tx } = trafficBetween(device, bootAt, ms);
  return { rx, tx, uptime: Math.floor((ms - bootAt) / 1000), bootAt };
}
