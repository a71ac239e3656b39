// Real published `stat/device` payloads served by the fake controller: every counter pair moves
// by its own amount, so each device's delta shows which counters the app read and which way.
import { afterEach, describe, expect, it } from 'vitest';
import { createUnifiSource } from '../../electron/core/sources/unifi-source';
import type { DeviceReading } from '../../shared/types';
import { controllerForTest, type FakeController } from '../support/unifi-controller';
import {
  advanced,
  STEP_BYTES as B,
  fixtureDevices,
  offline,
  pendingAdoption,
  type RawDevice,
} from '../support/unifi-fixtures';

let controller: FakeController | null = null;
afterEach(async () => {
  await controller?.close();
  controller = null;
});

/** Every real device of the captures (the trimmed USMINI of the semi-real file left out). */
function realDevices(): RawDevice[] {
  const unpollerSwitch = fixtureDevices('unpoller-unifi_examples_usw.json')[0] as RawDevice;
  return [
    ...fixtureDevices('Kane610-aiounifi_tests_fixtures.json'),
    ...fixtureDevices('dim13-unifi_rawDevices.json'),
    ...fixtureDevices('unpoller-unifi_examples_ugw.json'),
    // Sanitised to the USG's MAC in the capture: given its own here.
    { ...unpollerSwitch, mac: '22:22:00:22:22:01' },
    ...fixtureDevices('unpoller-unifi_examples_uap.json'),
    ...fixtureDevices('unpoller-unifi_endpoints_data_stat-device-umbb.json'),
    ...fixtureDevices('LayerTM-unifi-ucg-fiber-ha_tests_fixtures_stat_device.json').filter(
      (d) => d.type === 'udm',
    ),
  ];
}

async function twoPolls(
  ctx: { skip: (note: string) => void },
  devices: (step: number) => RawDevice[],
) {
  let step = 0;
  const started = await controllerForTest(ctx, { devices: () => devices(step++) });
  controller = started.controller;
  const source = createUnifiSource({
    controllerUrl: started.controller.url,
    auth: { kind: 'password', username: 'admin', password: 'hunter2' },
    site: 'default',
    fingerprint: started.certificate.fingerprint,
    timeoutMs: 5_000,
  });
  const first = await source.fetchDevices();
  const second = await source.fetchDevices();
  const byMac = (list: DeviceReading[]) => new Map(list.map((d) => [d.identity.mac, d]));
  const before = byMac(first.devices);
  const after = byMac(second.devices);
  /** Download and upload moved between the two polls, per MAC. */
  const moved = (mac: string) => {
    const a = before.get(mac)?.counters;
    const b = after.get(mac)?.counters;
    if (a == null || b == null) return null;
    return { download: b.rxBytes - a.rxBytes, upload: b.txBytes - a.txBytes };
  };
  return { first, second, after, moved };
}

describe('UniFi counters per device kind (real payloads)', () => {
  it('reads download toward the users for gateways, switches, PDUs, APs, plugs and the U5G Max', async (ctx) => {
    const { second, after, moved } = await twoPolls(ctx, (step) =>
      realDevices().map((d) => advanced(d, step)),
    );
    // Gateways: their WAN port, port view: wan1.rx is download.
    for (const mac of ['78:8A:20:33:44:55', '54:B0:B5:05:05:68', '22:22:00:22:22:00']) {
      expect(moved(mac), mac).toEqual({ download: B.wan1Rx, upload: B.wan1Tx });
    }
    expect(moved('AA:BB:CC:00:11:22')).toEqual({ download: B.wan1Rx, upload: B.wan1Tx });
    // Switches, the PDU and APs: top-level counters, clients' view: top-level tx is download.
    for (const mac of [
      'FC:EC:DA:11:22:33', // US16P150
      'F0:9F:11:22:33:44', // US8
      '00:00:00:00:00:84', // USP-PDU-Pro
      '2C:0A:8D:05:8B:03', // US24
      '22:22:00:22:22:01', // US24P250
      '80:2A:A8:00:01:02', // U7PG2 (aiounifi)
      '1E:68:E1:90:25:6B', // U7LT
      '80:22:22:22:22:22', // U7PG2 (unpoller)
    ]) {
      expect(moved(mac), mac).toEqual({ download: B.topTx, upload: B.topRx });
    }
    // The U5G Max has no top-level counters: its uplink, the Ethernet toward the site, whose tx
    // goes to the users.
    expect(moved('00:00:5E:00:53:02')).toEqual({ download: B.uplinkTx, upload: B.uplinkRx });
    // Wireless-uplink plugs: top-level stays 0 while their uplink moves; they count nothing.
    expect(moved('FC:EC:DA:76:4F:5F')).toEqual({ download: 0n, upload: 0n });
    expect(moved('78:45:58:FC:16:7D')).toEqual({ download: 0n, upload: 0n });
    // The Flex Mini's capture has every counter at 0 (nothing moved): read, and still 0.
    expect(moved('74:AC:B9:A1:01:01')).toEqual({ download: 0n, upload: 0n });
    // Uptime is the device's.
    expect(after.get('78:8A:20:33:44:55')?.counters?.uptime).toBe(3_971_869 + 60);
    // The gateway's own live rates are its WAN port's, oriented the same way.
    expect(after.get('78:8A:20:33:44:55')?.rates).toEqual({
      rxBytesPerSecond: 239_494,
      txBytesPerSecond: 2_836,
    });
    expect(second.problems).toEqual([]);
  });

  it('gives each WAN port in use its own series, and none to a WAN that was never up', async (ctx) => {
    const { after, moved } = await twoPolls(ctx, (step) =>
      realDevices().map((d) => advanced(d, step)),
    );
    // USG3 with wan2 up: WAN2 on a derived, locally administered MAC.
    expect(after.get('02:02:20:33:44:55')?.identity.name).toBe('USG · WAN2');
    expect(moved('02:02:20:33:44:55')).toEqual({ download: B.wan2Rx, upload: B.wan2Tx });
    // UCG Fiber: wan2 disabled but it carried traffic, so it is counted.
    expect(moved('02:02:CC:00:11:22')).toEqual({ download: B.wan2Rx, upload: B.wan2Tx });
    // USG-Pro-4: wan2 down, disabled, zero: no series.
    expect(after.has('02:02:B5:05:05:68')).toBe(false);
    // The legacy throughput (speed test) stays with the device's own series.
    expect(after.get('02:02:20:33:44:55')?.throughput).toEqual({
      downloadMbps: null,
      uploadMbps: null,
      latencyMs: null,
    });
  });

  it('keeps offline and pending-adoption entries harmless', async (ctx) => {
    const [ap, , sw] = fixtureDevices('Kane610-aiounifi_tests_fixtures.json') as RawDevice[];
    const { second, after, moved } = await twoPolls(ctx, (step) => [
      advanced(ap as RawDevice, step),
      // Offline: the controller keeps its last counters; they do not move and it has no uptime.
      offline(sw as RawDevice),
      pendingAdoption('f4:e2:c6:aa:bb:cc', 'U6LR', 'uap'),
    ]);
    expect(moved('80:2A:A8:00:01:02')).toEqual({ download: B.topTx, upload: B.topRx });
    expect(moved('FC:EC:DA:11:22:33')).toEqual({ download: 0n, upload: 0n });
    expect(after.get('FC:EC:DA:11:22:33')?.counters?.uptime).toBeNull();
    // Not adopted: not part of the site yet, neither a router nor a problem line.
    expect(after.has('F4:E2:C6:AA:BB:CC')).toBe(false);
    expect(second.problems).toEqual([]);
  });
});
