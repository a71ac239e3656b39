// Which counters of a UniFi `stat/device` entry the app reads, and which way they point.
//
// UniFi reports two points of view (checked on every real capture in
// /work/shared/fixtures/unifi): a port's counters are seen from the port (rx = what arrived on
// it), a device's top-level counters from its clients' side (top-level rx equals the uplink
// port's tx: what the clients sent, i.e. their upload). The app stores download (toward the
// users) in `rx_*` and upload in `tx_*`, so each kind of device is read the way it points.

/** Where a series' counters come from: a WAN port, the device's own totals, or its uplink port. */
export type UnifiCounterOrigin = 'wan' | 'device' | 'uplink';

/** One counter pair the app tracks for a device, already oriented: download toward the users. */
export interface UnifiSeries {
  /** `wan1`, `wan2`, … for a gateway's WAN ports; `device` or `uplink` otherwise. */
  port: string;
  origin: UnifiCounterOrigin;
  download: unknown;
  upload: unknown;
  /** The controller's own live rates for the same counters, when it sends them. */
  downloadRate: unknown;
  uploadRate: unknown;
  /**
   * Port counters that may be 32-bit (the uplink ports of some APs and of the U5G Max stay
   * below 2^32 while gigabytes cross them): a decrease may be a wrap, not a restart.
   */
  mayWrap32: boolean;
}

import type { RouterRole } from '../../../shared/types';

const GATEWAY_TYPES = new Set(['ugw', 'udm', 'uxg']);

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function hasCounters(entry: Record<string, unknown> | null): entry is Record<string, unknown> {
  return entry !== null && entry.rx_bytes !== undefined && entry.tx_bytes !== undefined;
}

function isZero(value: unknown): boolean {
  return value === 0 || value === '0' || value === 0n;
}

/** `wan1`, `wan2`, … in port order (wan10 after wan9). */
export function wanPorts(
  device: Record<string, unknown>,
): Array<[string, Record<string, unknown>]> {
  return Object.keys(device)
    .filter((key) => /^wan[1-9]\d*$/.test(key))
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)))
    .flatMap((key) => {
      const port = record(device[key]);
      return hasCounters(port) ? [[key, port] as [string, Record<string, unknown>]] : [];
    });
}

/** A port seen from itself, facing the internet: what arrives on it goes to the users. */
function fromUpstreamPort(
  port: string,
  origin: UnifiCounterOrigin,
  counters: Record<string, unknown>,
  mayWrap32: boolean,
): UnifiSeries {
  return {
    port,
    origin,
    download: counters.rx_bytes,
    upload: counters.tx_bytes,
    downloadRate: counters['rx_bytes-r'],
    uploadRate: counters['tx_bytes-r'],
    mayWrap32,
  };
}

/** Top-level counters, seen from the clients' side: what the device sent them is download. */
function fromDeviceTotals(device: Record<string, unknown>): UnifiSeries {
  return {
    port: 'device',
    origin: 'device',
    download: device.tx_bytes,
    upload: device.rx_bytes,
    downloadRate: device['tx_bytes-r'],
    uploadRate: device['rx_bytes-r'],
    mayWrap32: false,
  };
}

/** Whether a WAN port is worth a series: configured or carrying traffic (a never-used wan2 is not). */
function wanInUse(port: Record<string, unknown>): boolean {
  return (
    port.up === true || port.enable === true || !isZero(port.rx_bytes) || !isZero(port.tx_bytes)
  );
}

/**
 * The series the app tracks for one device, the first one under the device's own identity.
 * - Gateways (`ugw`, `udm`, `uxg`, or anything with a `wan1`): each WAN port in use, port view
 *   (`wanN.rx_bytes` is download); without WAN counters, their uplink (the WAN), port view;
 *   failing that, their top-level counters (clients' view).
 * - `umbb` (U5G Max): no top-level counters. Its uplink port is the Ethernet toward the site (its
 *   internet is the cellular side), so what the port sends (`uplink.tx_bytes`) goes to the users.
 *   Its port counters may be 32-bit.
 * - Everything else with top-level counters (switches `usw`, PDUs, access points `uap`, smart
 *   plugs): top-level, clients' view: download = `tx_bytes`. Wireless-uplink plugs (UP1, UP6)
 *   keep their top-level counters (0): their uplink carries only their own management traffic,
 *   which the access point they hang off already counts as a client's.
 * - A device without top-level counters whose uplink faces upstream (any other kind): its
 *   uplink, port view, possibly 32-bit.
 * An empty list means the device has no counters at all (it is reported, not tracked).
 */
export function unifiSeries(device: Record<string, unknown>): UnifiSeries[] {
  const type = String(device.type ?? '');
  const uplink = record(device.uplink);
  const wans = wanPorts(device);
  if (GATEWAY_TYPES.has(type) || record(device.wan1) !== null) {
    const used = wans.filter(([name, port]) => name === 'wan1' || wanInUse(port));
    if (used.length > 0)
      return used.map(([name, port]) => fromUpstreamPort(name, 'wan', port, false));
    if (hasCounters(uplink)) return [fromUpstreamPort('uplink', 'uplink', uplink, false)];
    return hasCounters(device) ? [fromDeviceTotals(device)] : [];
  }
  if (type === 'umbb' && !hasCounters(device) && hasCounters(uplink)) {
    return [
      {
        port: 'uplink',
        origin: 'uplink',
        download: uplink.tx_bytes,
        upload: uplink.rx_bytes,
        downloadRate: uplink['tx_bytes-r'],
        uploadRate: uplink['rx_bytes-r'],
        mayWrap32: true,
      },
    ];
  }
  if (hasCounters(device)) return [fromDeviceTotals(device)];
  if (hasCounters(uplink)) return [fromUpstreamPort('uplink', 'uplink', uplink, true)];
  return [];
}

/**
 * What a device is to the headline. A gateway (`ugw`, `udm`, `uxg`, or anything with a `wan1`)
 * is read at its WAN ports, every one of them the internet edge; a U5G Max (`umbb`) is a
 * cellular internet link, the edge too. Everything else (switches, access points, PDUs, plugs)
 * carries traffic the edge has already counted: inside.
 */
export function unifiRole(device: Record<string, unknown>): RouterRole {
  const type = String(device.type ?? '');
  if (GATEWAY_TYPES.has(type) || record(device.wan1) !== null || type === 'umbb') return 'edge';
  return 'inside';
}
