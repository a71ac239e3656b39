import { normalizeMac } from '../../shared/mac';
import type { CounterReading, DeviceReading, LegacyThroughput } from '../../shared/types';

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
}

export class PayloadError extends Error {}

type Field = { ok: true; value: bigint } | { ok: false; reason: string };

function readCounter(raw: unknown, field: string): Field {
  if (raw === undefined || raw === null) return { ok: false, reason: `${field} is missing` };
  let value: bigint;
  if (typeof raw === 'bigint') {
    value = raw;
  } else if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || !Number.isInteger(raw)) {
      return { ok: false, reason: `${field} is not an integer (${raw})` };
    }
    // A JS number past 2^53 has already lost digits; refuse rather than count a guess.
    if (!Number.isSafeInteger(raw)) {
      return { ok: false, reason: `${field} is too large to be exact (${raw})` };
    }
    value = BigInt(raw);
  } else if (typeof raw === 'string') {
    const text = raw.trim();
    if (!/^-?\d+$/.test(text)) {
      return { ok: false, reason: `${field} is not an integer (${JSON.stringify(raw)})` };
    }
    value = BigInt(text);
  } else {
    return { ok: false, reason: `${field} is not a number (${typeof raw})` };
  }
  if (value < 0n) return { ok: false, reason: `${field} is negative (${value})` };
  if (value > MAX_COUNTER) return { ok: false, reason: `${field} is absurdly large (${value})` };
  return { ok: true, value };
}

/** Optional decimal figure (Mbps, ms, seconds): a number or numeric string, else null. */
function readOptionalNumber(raw: unknown): number | null {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function readUptime(raw: unknown): number | null {
  const value = readOptionalNumber(raw);
  return value !== null && value >= 0 ? Math.floor(value) : null;
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

/**
 * Validates the device list of one poll. Throws PayloadError only when the body as a whole
 * is unusable; a bad device is reported in `problems` and the others are kept.
 */
export function parseDevicePayload(body: unknown): ParsedPayload {
  if (!Array.isArray(body)) {
    throw new PayloadError(`expected a JSON array of devices, got ${jsonKind(body)}`);
  }
  const devices: DeviceReading[] = [];
  const problems: DeviceProblem[] = [];
  const seenMacs = new Set<string>();

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
    const mac = normalizeMac(raw.mac);
    if (mac === null) {
      const reason =
        raw.mac === undefined
          ? 'has no MAC address'
          : `has an invalid MAC address (${JSON.stringify(raw.mac)})`;
      problems.push({ device: label, reason });
      return;
    }
    if (seenMacs.has(mac)) {
      problems.push({ device: label, reason: `repeats MAC ${mac}; only its first entry is used` });
      return;
    }
    seenMacs.add(mac);

    const rx = readCounter(raw.rx_bytes, 'rx_bytes');
    const tx = readCounter(raw.tx_bytes, 'tx_bytes');
    let counters: CounterReading | null = null;
    if (rx.ok && tx.ok) {
      counters = { rxBytes: rx.value, txBytes: tx.value, uptime: readUptime(raw.uptime) };
    } else {
      const reasons = [rx, tx].flatMap((field) => (field.ok ? [] : [field.reason]));
      problems.push({ device: label, reason: `${reasons.join(', ')}; not tracked this cycle` });
    }
    const throughput: LegacyThroughput = {
      downloadMbps: readOptionalNumber(raw.xput_down),
      uploadMbps: readOptionalNumber(raw.xput_up),
      latencyMs: readOptionalNumber(raw.latency),
    };
    devices.push({
      identity: {
        mac,
        name: clip(readText(raw.name) ?? mac, COLUMN_WIDTHS.name),
        ip: clip(readText(raw.ip), COLUMN_WIDTHS.ip),
        brand: clip(readText(raw.brand), COLUMN_WIDTHS.brand),
        location: clip(readText(raw.location), COLUMN_WIDTHS.location),
        model: clip(readText(raw.model), COLUMN_WIDTHS.model),
      },
      counters,
      throughput,
      rates: readRates(raw['rx_bytes-r'], raw['tx_bytes-r']),
    });
  });
  return { devices, problems };
}

/** Both rates or none: a live view with half a rate would mislead. */
function readRates(rx: unknown, tx: unknown): DeviceReading['rates'] {
  const rxRate = readOptionalNumber(rx);
  const txRate = readOptionalNumber(tx);
  if (rxRate === null || txRate === null || rxRate < 0 || txRate < 0) return null;
  return { rxBytesPerSecond: rxRate, txBytesPerSecond: txRate };
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
