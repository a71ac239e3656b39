import { describe, expect, it } from 'vitest';
import { edgeFlagsOf, edgeMarksFrom } from '../../electron/core/edge-marks';
import { parseDevicePayload } from '../../electron/core/payload';
import { demoReadingsAt } from '../../electron/core/sources/demo-source';
import { unifiRole } from '../../electron/core/sources/unifi-counters';
import { unifiDeviceToReadings } from '../../electron/core/sources/unifi-source';
import { historyCsv } from '../../shared/csv';
import type { HistoryResult } from '../../shared/ipc-contract';
import { fixtureDevices } from '../support/unifi-fixtures';

const FILES = [
  'Kane610-aiounifi_tests_fixtures.json',
  'LayerTM-unifi-ucg-fiber-ha_tests_fixtures_stat_device.json',
  'dim13-unifi_rawDevices.json',
  'unpoller-unifi_endpoints_data_stat-device-umbb.json',
  'unpoller-unifi_examples_uap.json',
  'unpoller-unifi_examples_ugw.json',
  'unpoller-unifi_examples_usw.json',
];

describe('what the sources say a router is', () => {
  it('UniFi: gateways (ugw, udm) and the U5G Max are the edge, every other device inside', () => {
    const byType = new Map<string, Set<string>>();
    for (const file of FILES) {
      for (const device of fixtureDevices(file)) {
        const roles = byType.get(String(device.type)) ?? new Set();
        roles.add(unifiRole(device));
        byType.set(String(device.type), roles);
      }
    }
    expect(Object.fromEntries([...byType].map(([type, roles]) => [type, [...roles]]))).toEqual({
      ugw: ['edge'],
      udm: ['edge'],
      umbb: ['edge'],
      uap: ['inside'],
      usw: ['inside'],
    });
  });

  it('UniFi: every WAN series of a gateway, wan2 included, is the edge', () => {
    const usg = fixtureDevices('Kane610-aiounifi_tests_fixtures.json').find(
      (d) => d.model === 'UGW3',
    );
    const { devices } = parseDevicePayload(unifiDeviceToReadings(usg ?? {}), { roles: true });
    expect(devices.map((d) => [d.identity.name, d.identity.role])).toEqual([
      ['USG', 'edge'],
      ['USG · WAN2', 'edge'],
    ]);
  });

  it('the API server cannot say: a role in its JSON is not read', () => {
    const { devices } = parseDevicePayload([
      { name: 'R', mac: '02:00:00:00:00:01', rx_bytes: 1, tx_bytes: 1, role: 'edge' },
    ]);
    expect(devices[0]?.identity.role).toBeUndefined();
  });

  it('demo: the gateway is the edge, the switches and APs inside', () => {
    const { devices } = demoReadingsAt(Date.UTC(2026, 10, 27, 12));
    const edge = devices.filter((d) => d.identity.role === 'edge').map((d) => d.identity.name);
    expect(edge).toEqual(['Gateway']);
    expect(devices.filter((d) => d.identity.role === 'inside')).toHaveLength(devices.length - 1);
  });
});

describe('history CSV with roles', () => {
  const result: HistoryResult = {
    bucket: 'hour',
    from: '2026-01-01T00:00:00.000Z',
    to: '2026-01-01T01:00:00.000Z',
    bucketStarts: ['2026-01-01T00:00:00.000Z'],
    buckets: [
      {
        start: '2026-01-01T00:00:00.000Z',
        routerId: 1,
        rxBytes: '10',
        txBytes: '1',
        resets: 0,
        coveredSeconds: 3600,
      },
    ],
    summary: [],
    reboots: [],
    routers: [
      { id: 1, name: 'Gateway', mac: 'AA:00:00:00:00:01' },
      { id: 2, name: 'AP', mac: 'AA:00:00:00:00:02' },
    ],
    edge: { rule: 'source', routerIds: [1] },
  };

  it('says which rows are the internet usage and which a breakdown', () => {
    const lines = historyCsv(result).trimEnd().split('\r\n');
    expect(lines[0]?.endsWith(',resets,role')).toBe(true);
    expect(lines.slice(1).map((line) => line.split(',').at(-1))).toEqual(['edge', 'inside']);
    const all = historyCsv({ ...result, edge: { rule: 'all', routerIds: [1, 2] } });
    expect(
      all
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(',').at(-1)),
    ).toEqual(['all', 'all']);
  });
});

describe('--edge on the tray app command line', () => {
  it('reads --edge X and --edge=X among Chromium switches; BT_EDGE only without them', () => {
    const argv = ['/opt/app', '--no-sandbox', '--edge', 'USG', '--edge=UCG Fiber', '--demo'];
    expect(edgeMarksFrom(edgeFlagsOf(argv), 'ignored')).toEqual(['USG', 'UCG Fiber']);
    expect(edgeMarksFrom(edgeFlagsOf(['/opt/app']), 'USG,AA:BB:CC:DD:EE:FF')).toEqual([
      'USG',
      'AA:BB:CC:DD:EE:FF',
    ]);
    expect(edgeMarksFrom(edgeFlagsOf(['/opt/app', '--edge']), undefined)).toEqual([]);
  });
});
