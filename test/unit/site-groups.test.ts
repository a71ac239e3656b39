import { describe, expect, it } from 'vitest';
import type { RouterLive } from '../../shared/ipc-contract';
import { groupBySite, sourceShortName } from '../../shared/site-groups';

const router = (id: number, site: string | null, source: string | null): RouterLive => ({
  id,
  mac: `AA:00:00:00:00:0${id}`,
  name: `R${id}`,
  ip: null,
  location: null,
  rxMbps: 0,
  txMbps: 0,
  todayRxBytes: '0',
  todayTxBytes: '0',
  lifetimeRxBytes: '0',
  lifetimeTxBytes: '0',
  lastSeenAt: null,
  lastRebootAt: null,
  freshness: 'fresh',
  site,
  source,
});

const HQ = 'UniFi controller at https://192.168.1.1';
const SHOP = 'UniFi controller at https://shop.example:8443';

describe('site groups', () => {
  it('keeps the routers’ order, and the first router’s site comes first', () => {
    const groups = groupBySite([
      router(1, 'branch2', HQ),
      router(2, 'default', HQ),
      router(3, 'branch2', HQ),
    ]);
    expect(groups.map((g) => [g.label, g.routers.map((r) => r.id)])).toEqual([
      ['branch2', [1, 3]],
      ['default', [2]],
    ]);
  });

  it('names the source beside the site when several sources share site names', () => {
    const groups = groupBySite([
      router(1, 'default', HQ),
      router(2, 'default', SHOP),
      router(3, null, 'device API at http://10.0.0.5:5001/api/unifi/devices'),
    ]);
    expect(groups.map((g) => g.label)).toEqual([
      'default · 192.168.1.1',
      'default · shop.example:8443',
      'No site · 10.0.0.5:5001',
    ]);
    expect(sourceShortName('the DEMO network')).toBe('the DEMO network');
  });

  it('is one group when every router is of one site (the popover then shows no headings)', () => {
    expect(groupBySite([router(1, null, null), router(2, null, null)])).toHaveLength(1);
  });

  it('keeps one source’s routers together when a new one is not yet stored with it', () => {
    // After a restart, routers loaded from MySQL carry their source; one first seen since does not.
    const api = 'device API at http://127.0.0.1:5102/api/unifi/devices';
    expect(
      groupBySite([router(1, null, api), router(2, null, api), router(3, null, null)]),
    ).toHaveLength(1);
  });
});
