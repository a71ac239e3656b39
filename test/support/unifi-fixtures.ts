// Real `stat/device` entries (test/fixtures/unifi, provenance in its README), and a way to make
// them move: each counter pair advances by its own amount per step, so a test can tell from a
// delta which counter the app read, and in which direction.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(__dirname, '..', 'fixtures', 'unifi');

export type RawDevice = Record<string, unknown>;

/** The `data` array of one captured file, deep-copied. */
export function fixtureDevices(file: string): RawDevice[] {
  const body = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { data: RawDevice[] };
  return body.data;
}

/** Bytes per step each counter moves by: all different, so a delta names its counter. */
export const STEP_BYTES = {
  topRx: 11_000n,
  topTx: 13_000n,
  uplinkRx: 17_000n,
  uplinkTx: 19_000n,
  wan1Rx: 23_000n,
  wan1Tx: 29_000n,
  wan2Rx: 31_000n,
  wan2Tx: 37_000n,
} as const;

function add(entry: Record<string, unknown>, key: string, bytes: bigint): void {
  const value = entry[key];
  if (typeof value === 'number') entry[key] = BigInt(value) + bytes;
  else if (typeof value === 'string') entry[key] = String(BigInt(value) + bytes);
}

/**
 * The device `step` polls (of 60 s) later: uptime grows, every counter pair it has moves by
 * its own amount. A WAN port that is down does not move; top-level counters that are 0 (the
 * wireless-uplink plugs) stay 0, as on the real devices.
 */
export function advanced(device: RawDevice, step: number): RawDevice {
  const copy = structuredClone(device);
  const n = BigInt(step);
  if (typeof copy.uptime === 'number') copy.uptime += 60 * step;
  if (copy.rx_bytes !== 0 || copy.tx_bytes !== 0) {
    add(copy, 'rx_bytes', STEP_BYTES.topRx * n);
    add(copy, 'tx_bytes', STEP_BYTES.topTx * n);
  }
  const uplink = copy.uplink as Record<string, unknown> | undefined;
  if (uplink !== undefined) {
    add(uplink, 'rx_bytes', STEP_BYTES.uplinkRx * n);
    add(uplink, 'tx_bytes', STEP_BYTES.uplinkTx * n);
  }
  for (const [key, rx, tx] of [
    ['wan1', STEP_BYTES.wan1Rx, STEP_BYTES.wan1Tx],
    ['wan2', STEP_BYTES.wan2Rx, STEP_BYTES.wan2Tx],
  ] as const) {
    const wan = copy[key] as Record<string, unknown> | undefined;
    if (wan === undefined || wan.up === false) continue;
    add(wan, 'rx_bytes', rx * n);
    add(wan, 'tx_bytes', tx * n);
  }
  return copy;
}

/** An entry as the controller lists a device that is offline: `state: 0`, no uptime or uplink. */
export function offline(device: RawDevice): RawDevice {
  const { uptime: _u, _uptime: _u2, uplink: _l, ...rest } = structuredClone(device);
  return { ...rest, state: 0 };
}

/** An entry as the controller lists a device waiting for adoption: no name, counters or uptime. */
export function pendingAdoption(mac: string, model: string, type: string): RawDevice {
  return { mac, model, type, adopted: false, state: 2, ip: '192.168.1.250' };
}
