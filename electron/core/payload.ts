import { normalizeMac } from '../../shared/mac';
import type {
  CounterReading,
  DeviceReading,
  LegacyThroughput,
  RouterRole,
} from '../../shared/types';

/** Largest value a BIGINT column can hold; anything above is not a real counter. */
export const MAX_COUNTER = 2n ** 63n - 1n;

export interface DeviceProblem {
  /** How the log line names the device: its name, else its MAC, else its position. */
  device: string;
  reason: string;
}

export interface ParsedPayload {
  devices: DeviceReading[];
  /** Devices skipped for tracking (and, without a valid MAC, skipped entirely). */
  problems: DeviceProblem[];
  /**
   * MACs claimed by two different devices in this payload, one sentence each: neither device
   * is counted this cycle (counting either would inflate or reset the other's traffic).
   */
  collisions?: string[];
  /** Lines to log once, from a source made of parts (sites, sources): one went down or came back. */
  notices?: string[];
  /** Parts of the source that failed this poll, one sentence each: the status says so. */
  partsDown?: string[];
  /**
   * The same parts as data: a source (by description) or a site that did not answer. Its
   * routers are missing from the answer because nobody was asked, not because they are offline.
   */
  unanswered?: UnansweredPart[];
}

/** A part of the answer that is missing; a field left out matches any source or any site. */
export interface UnansweredPart {
  source?: string;
  site?: string;
}

/**
 * Deeper than this, a device's JSON is not a UniFi device (the real ones nest about 5 levels):
 * that device is skipped, the others are kept.
 */
export const MAX_DEVICE_DEPTH = 64;

/**
 * Largest uptime kept: what a BIGINT UNSIGNED column and a JS number both hold exactly. A
 * larger one (`1e30`) is not a real uptime, and MySQL would refuse the whole cycle for it.
 */
export const MAX_UPTIME_SECONDS = Number.MAX_SAFE_INTEGER;

export class PayloadError extends Error {}

/** A valid counter, or why it is not one (no result object per counter and poll). */
type Field = bigint | string;

function readCounter(raw: unknown, field: string): Field {
  if (raw === undefined || raw === null) return `${field} is missing`;
  let value: bigint;
  if (typeof raw === 'bigint') {
    value = raw;
  } else if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || !Number.isInteger(raw)) {
      return `${field} is not an integer (${raw})`;
    }
    // A JS number past 2^53 has already lost digits; refuse rather than count a guess.
    if (!Number.isSafeInteger(raw)) {
      return `${field} is too large to be exact (${raw})`;
    }
    value = BigInt(raw);
  } else if (typeof raw === 'string') {
    const text = raw.trim();
    if (!/^-?\d+$/.test(text)) {
      return `${field} is not an integer (${JSON.stringify(raw)})`;
    }
    value = BigInt(text);
  } else {
    return `${field} is not a number (${typeof raw})`;
  }
  if (value < 0n) return `${field} is negative (${value})`;
  if (value > MAX_COUNTER) return `${field} is absurdly large (${value})`;
  return value;
}

/** Optional decimal figure (Mbps, ms, seconds): a number or numeric string, else null. */
function readOptionalNumber(raw: unknown): number | null {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

type Uptime = { ok: true; value: number | null } | { ok: false; reason: string };

/** Absent or negative: unknown (null). Past what the column holds exactly: the device is not tracked. */
function readUptime(raw: unknown): Uptime {
  const value = readOptionalNumber(raw);
  if (value === null || value < 0) return { ok: true, value: null };
  if (value > MAX_UPTIME_SECONDS) {
    return { ok: false, reason: `uptime is out of range (${String(raw).slice(0, 40)})` };
  }
  return { ok: true, value: Math.floor(value) };
}

/** The `routers` columns' widths: a longer value would make MySQL refuse the whole cycle. */
const COLUMN_WIDTHS = { name: 255, ip: 45, brand: 100, location: 255, model: 100 };

/** Cuts text to a column's width in characters (code points, as MySQL counts them). */
function clip<T extends string | null>(text: T, width: number): T {
  if (text === null || text.length <= width) return text;
  return Array.from(text).slice(0, width).join('') as T;
}

function readText(raw: unknown): string | null {
  if (typeof raw === 'string') return raw.trim() === '' ? null : raw;
  if (typeof raw === 'number' || typeof raw === 'bigint') return String(raw);
  return null;
}

function deviceLabel(device: Record<string, unknown>, index: number): string {
  return readText(device.name) ?? readText(device.mac) ?? `device #${index + 1}`;
}

export interface PayloadOptions {
  /**
   * Read each entry's `role` (`edge`/`inside`): only for readings the app built itself (UniFi,
   * demo). The API server's JSON does not say it, and a role it sent would not be trusted.
   */
  roles?: boolean;
}

function readRole(raw: unknown): RouterRole | null {
  return raw === 'edge' || raw === 'inside' ? raw : null;
}

/**
 * Validates the device list of one poll. Throws PayloadError only when the body as a whole
 * is unusable; a bad device is reported in `problems` and the others are kept.
 */
export function parseDevicePayload(body: unknown, options: PayloadOptions = {}): ParsedPayload {
  if (!Array.isArray(body)) {
    throw new PayloadError(`expected a JSON array of devices, got ${jsonKind(body)}`);
  }
  const devices: DeviceReading[] = [];
  const problems: DeviceProblem[] = [];
  // Per MAC, where its reading sits in `devices`; per reading, its label and own problem
  // (kept lean: this runs for every device of every poll). Collisions are rare.
  const firstIndex = new Map<string, number>();
  const labels: string[] = [];
  const problemOf: Array<DeviceProblem | undefined> = [];
  const collisionsByMac = new Map<string, string[]>();

  body.forEach((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({
        device: `device #${index + 1}`,
        reason: `is ${jsonKind(item)}, not an object`,
      });
      return;
    }
    const raw = item as Record<string, unknown>;
    const label = deviceLabel(raw, index);
    if (exceedsDepth(raw, MAX_DEVICE_DEPTH)) {
      problems.push({ device: label, reason: tooDeepReason() });
      return;
    }
    const mac = normalizeMac(raw.mac);
    if (mac === null) {
      const reason =
        raw.mac === undefined
          ? 'has no MAC address'
          : `has an invalid MAC address (${JSON.stringify(raw.mac)})`;
      problems.push({ device: label, reason });
      return;
    }

    const rx = readCounter(raw.rx_bytes, 'rx_bytes');
    const tx = readCounter(raw.tx_bytes, 'tx_bytes');
    const uptime = readUptime(raw.uptime);
    let counters: CounterReading | null = null;
    let problem: DeviceProblem | undefined;
    if (typeof rx === 'bigint' && typeof tx === 'bigint' && uptime.ok) {
      counters = { rxBytes: rx, txBytes: tx, uptime: uptime.value };
      // A source that knows its counters are 32-bit says so (a UniFi uplink port).
      if (raw.counter_bits === 32) counters.wraps32 = true;
    } else {
      const reasons = [rx, tx].filter((field) => typeof field === 'string');
      if (!uptime.ok) reasons.push(uptime.reason);
      problem = { device: label, reason: `${reasons.join(', ')}; not tracked this cycle` };
    }
    const throughput: LegacyThroughput = {
      downloadMbps: readOptionalNumber(raw.xput_down),
      uploadMbps: readOptionalNumber(raw.xput_up),
      latencyMs: readOptionalNumber(raw.latency),
    };
    const reading: DeviceReading = {
      identity: {
        mac,
        name: clip(readText(raw.name) ?? mac, COLUMN_WIDTHS.name),
        ip: clip(readText(raw.ip), COLUMN_WIDTHS.ip),
        brand: clip(readText(raw.brand), COLUMN_WIDTHS.brand),
        location: clip(readText(raw.location), COLUMN_WIDTHS.location),
        model: clip(readText(raw.model), COLUMN_WIDTHS.model),
        ...(options.roles === true ? { role: readRole(raw.role) } : {}),
      },
      counters,
      throughput,
      rates: readRates(raw['rx_bytes-r'], raw['tx_bytes-r']),
    };
    // UniFi lists a disconnected device with `state` 0 (1 is connected); its counters are stale.
    if (raw.state === 0 || raw.state === '0') reading.online = false;
    const seen = firstIndex.get(mac);
    if (seen !== undefined) {
      // The same device listed twice is harmless; two devices claiming one MAC are not.
      const colliding = collisionsByMac.get(mac);
      const first = devices[seen];
      if (colliding === undefined && first !== undefined && sameReading(first, reading)) return;
      if (colliding === undefined) collisionsByMac.set(mac, [labels[seen] ?? mac, label]);
      else colliding.push(label);
      return;
    }
    if (problem !== undefined) problems.push(problem);
    firstIndex.set(mac, devices.length);
    labels.push(label);
    problemOf.push(problem);
    devices.push(reading);
  });
  const collisions: string[] = [];
  const collided = new Set<number>();
  const superseded = new Set<DeviceProblem>();
  for (const [mac, names] of collisionsByMac) {
    const index = firstIndex.get(mac) as number;
    collided.add(index);
    // The collision line says it all: the first entry's own problem would only add noise.
    const own = problemOf[index];
    if (own !== undefined) superseded.add(own);
    const quoted = names.map((name) => `"${name}"`).join(' and ');
    const sentence = `MAC ${mac} is claimed by ${names.length} different devices (${quoted}): neither is counted this cycle; check for a cloned or misconfigured MAC`;
    collisions.push(sentence);
    problems.push({
      device: `MAC ${mac}`,
      reason: `is claimed by ${quoted}: neither is counted this cycle; check for a cloned or misconfigured MAC`,
    });
  }
  return {
    devices: collided.size === 0 ? devices : devices.filter((_, i) => !collided.has(i)),
    problems: superseded.size === 0 ? problems : problems.filter((p) => !superseded.has(p)),
    collisions,
  };
}

/** Two entries that say the same thing about a device (a controller listing it twice). */
function sameReading(a: DeviceReading, b: DeviceReading): boolean {
  const key = (d: DeviceReading) =>
    JSON.stringify([d.identity, d.counters, d.throughput, d.rates], (_, v) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
  return key(a) === key(b);
}

export function tooDeepReason(): string {
  return `has data nested more than ${MAX_DEVICE_DEPTH} levels deep; not a device reading, skipped`;
}

/** Whether a JSON value nests deeper than `max` (walked without recursion: no stack to overflow). */
export function exceedsDepth(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  // Most devices are flat: no walk, no stacks, and no array of values per device.
  let nested = false;
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null) {
      nested = true;
      break;
    }
  }
  if (!nested) return false;
  // Parallel stacks (no tuple per node); only nested objects are pushed, so a flat device
  // costs one pass over its keys.
  const nodes: object[] = [value];
  const depths: number[] = [0];
  while (nodes.length > 0) {
    const current = nodes.pop() as Record<string, unknown>;
    const depth = depths.pop() as number;
    if (depth >= max) return true;
    const children = Object.values(current);
    for (let i = 0; i < children.length; i += 1) {
      const child = children[i];
      if (typeof child === 'object' && child !== null) {
        nodes.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** Both rates or none: a live view with half a rate would mislead. */
/** A live rate above this (8 Tbps) is garbage: the rate between polls is shown instead. */
const MAX_RATE_BYTES_PER_SECOND = 1e12;

function readRates(rx: unknown, tx: unknown): DeviceReading['rates'] {
  const rxRate = readOptionalNumber(rx);
  const txRate = readOptionalNumber(tx);
  if (rxRate === null || txRate === null || rxRate < 0 || txRate < 0) return null;
  if (rxRate > MAX_RATE_BYTES_PER_SECOND || txRate > MAX_RATE_BYTES_PER_SECOND) return null;
  return { rxBytesPerSecond: rxRate, txBytesPerSecond: txRate };
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
