import { normalizeMac } from '../../shared/mac';
import type {
  CounterReading,
  DeviceReading,
  LegacyThroughput,
  RouterIdentity,
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
    // -0 is a negative reading (JSON keeps the sign), not a counter at zero.
    if (Object.is(raw, -0)) return `${field} is negative (-0)`;
    value = BigInt(raw);
  } else if (typeof raw === 'string') {
    const text = raw.trim();
    if (!/^-?\d+$/.test(text)) {
      return `${field} is not an integer (${JSON.stringify(raw)})`;
    }
    if (text.startsWith('-')) return `${field} is negative (${text.slice(0, 40)})`;
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

/**
 * Absent or negative: unknown (null). Past what the column holds exactly: why the device is
 * not tracked (a string). A number or a reason, so no result object per device and poll.
 */
function readUptime(raw: unknown): number | null | string {
  const value = readOptionalNumber(raw);
  if (value === null || value < 0) return null;
  if (value > MAX_UPTIME_SECONDS) return `uptime is out of range (${String(raw).slice(0, 40)})`;
  return Math.floor(value);
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
 * What a parser keeps of the readings it made, from one poll to the next: the identity last
 * made per MAC, given again while every field is the same (most polls change no name), so
 * a poll makes new identities only for what changed, and the identities downstream keep
 * (the recorder's, the live view's) stay the same objects. Each entry also says in which poll
 * its MAC was last seen and where, which finds a MAC listed twice without a map per poll.
 */
export class ReadingMemory {
  private readonly byMac = new Map<string, MacEntry>();
  /** Polls parsed with this memory: an entry seen in the current one is a repeated MAC. */
  poll = 0;

  entry(mac: string): MacEntry | undefined {
    return this.byMac.get(mac);
  }

  remember(mac: string, identity: RouterIdentity, index: number): MacEntry {
    const entry: MacEntry = { identity, poll: this.poll, index };
    this.byMac.set(mac, entry);
    return entry;
  }

  /** After a poll: MACs gone for good do not pile up (kept while at most twice the poll's). */
  prune(listed: number): void {
    if (this.byMac.size <= 2 * listed + 1_000) return;
    for (const [mac, entry] of this.byMac) if (entry.poll !== this.poll) this.byMac.delete(mac);
  }
}

interface MacEntry {
  identity: RouterIdentity;
  /** The poll that last listed this MAC, and where its first reading sits in that poll's list. */
  poll: number;
  index: number;
}

/** Readings with no throughput figures share one (never changed: the recorder only reads it). */
const NO_THROUGHPUT: LegacyThroughput = Object.freeze({
  downloadMbps: null,
  uploadMbps: null,
  latencyMs: null,
});

/** The identity the entry says, made anew only when a field differs from the remembered one. */
function identityOf(
  raw: Record<string, unknown>,
  mac: string,
  remembered: RouterIdentity | undefined,
  roles: boolean,
): RouterIdentity {
  const name = clip(readText(raw.name) ?? mac, COLUMN_WIDTHS.name);
  const ip = clip(readText(raw.ip), COLUMN_WIDTHS.ip);
  const brand = clip(readText(raw.brand), COLUMN_WIDTHS.brand);
  const location = clip(readText(raw.location), COLUMN_WIDTHS.location);
  const model = clip(readText(raw.model), COLUMN_WIDTHS.model);
  const role = roles ? readRole(raw.role) : undefined;
  if (
    remembered !== undefined &&
    remembered.name === name &&
    remembered.ip === ip &&
    remembered.brand === brand &&
    remembered.location === location &&
    remembered.model === model &&
    remembered.role === role
  ) {
    return remembered;
  }
  // One shape whether or not the role is read (a spread of `{}` made a slower, larger object).
  const identity: RouterIdentity = { mac, name, ip, brand, location, model };
  if (roles) identity.role = role;
  return identity;
}

/**
 * Validates the device list of one poll. Throws PayloadError only when the body as a whole
 * is unusable; a bad device is reported in `problems` and the others are kept. With a
 * `memory` (one per source), unchanged identities are the previous poll's objects.
 */
export function parseDevicePayload(
  body: unknown,
  options: PayloadOptions = {},
  memory: ReadingMemory = new ReadingMemory(),
): ParsedPayload {
  if (!Array.isArray(body)) {
    throw new PayloadError(`expected a JSON array of devices, got ${jsonKind(body)}`);
  }
  const roles = options.roles === true;
  const devices: DeviceReading[] = [];
  const problems: DeviceProblem[] = [];
  // Kept lean, this runs for every device of every poll: a reading's label is its name but
  // where they differ, its own problem is looked up only on a collision, which is rare.
  const labelOf = new Map<number, string>();
  const problemOf = new Map<number, DeviceProblem>();
  const collisionsByMac = new Map<string, string[]>();
  memory.poll += 1;
  const poll = memory.poll;

  for (let index = 0; index < body.length; index += 1) {
    const item: unknown = body[index];
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({
        device: `device #${index + 1}`,
        reason: `is ${jsonKind(item)}, not an object`,
      });
      continue;
    }
    const raw = item as Record<string, unknown>;
    const label = deviceLabel(raw, index);
    if (exceedsDepth(raw, MAX_DEVICE_DEPTH)) {
      problems.push({ device: label, reason: tooDeepReason() });
      continue;
    }
    const mac = normalizeMac(raw.mac);
    if (mac === null) {
      const reason =
        raw.mac === undefined
          ? 'has no MAC address'
          : `has an invalid MAC address (${JSON.stringify(raw.mac)})`;
      problems.push({ device: label, reason });
      continue;
    }

    const rx = readCounter(raw.rx_bytes, 'rx_bytes');
    const tx = readCounter(raw.tx_bytes, 'tx_bytes');
    const uptime = readUptime(raw.uptime);
    let counters: CounterReading | null = null;
    let problem: DeviceProblem | undefined;
    if (typeof rx === 'bigint' && typeof tx === 'bigint' && typeof uptime !== 'string') {
      counters = { rxBytes: rx, txBytes: tx, uptime };
      // A source that knows its counters are 32-bit says so (a UniFi uplink port).
      if (raw.counter_bits === 32) counters.wraps32 = true;
    } else {
      const reasons = [rx, tx].filter((field) => typeof field === 'string');
      if (typeof uptime === 'string') reasons.push(uptime);
      problem = { device: label, reason: `${reasons.join(', ')}; not tracked this cycle` };
    }
    const downloadMbps = readOptionalNumber(raw.xput_down);
    const uploadMbps = readOptionalNumber(raw.xput_up);
    const latencyMs = readOptionalNumber(raw.latency);
    const entry = memory.entry(mac);
    const reading: DeviceReading = {
      identity: identityOf(raw, mac, entry?.identity, roles),
      counters,
      throughput:
        downloadMbps === null && uploadMbps === null && latencyMs === null
          ? NO_THROUGHPUT
          : { downloadMbps, uploadMbps, latencyMs },
      rates: readRates(raw['rx_bytes-r'], raw['tx_bytes-r']),
    };
    // UniFi lists a disconnected device with `state` 0 (1 is connected); its counters are stale.
    if (raw.state === 0 || raw.state === '0') reading.online = false;
    if (entry !== undefined && entry.poll === poll) {
      // The same device listed twice is harmless; two devices claiming one MAC are not.
      const seen = entry.index;
      const colliding = collisionsByMac.get(mac);
      const first = devices[seen];
      if (colliding === undefined && first !== undefined && sameReading(first, reading)) continue;
      if (colliding === undefined) {
        const firstLabel = labelOf.get(seen) ?? first?.identity.name ?? mac;
        collisionsByMac.set(mac, [firstLabel, label]);
      } else colliding.push(label);
      continue;
    }
    if (problem !== undefined) {
      problems.push(problem);
      problemOf.set(devices.length, problem);
    }
    if (label !== reading.identity.name) labelOf.set(devices.length, label);
    if (entry === undefined) memory.remember(mac, reading.identity, devices.length);
    else {
      entry.identity = reading.identity;
      entry.poll = poll;
      entry.index = devices.length;
    }
    devices.push(reading);
  }
  memory.prune(devices.length);
  const collisions: string[] = [];
  const collided = new Set<number>();
  const superseded = new Set<DeviceProblem>();
  for (const [mac, names] of collisionsByMac) {
    const index = memory.entry(mac)?.index as number;
    collided.add(index);
    // The collision line says it all: the first entry's own problem would only add noise.
    const own = problemOf.get(index);
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
