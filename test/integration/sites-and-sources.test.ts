// Every site of a controller and several sources at once, into a real MariaDB: two sites on one
// fake UniFi OS console and a second (classic) controller, serving real captured devices whose
// counters move by known amounts each poll.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { describeMysqlError } from '../../electron/core/db/connection';
import { migrate } from '../../electron/core/db/migrate';
import { loadCounterSources } from '../../electron/core/db/router-sources';
import { Poller } from '../../electron/core/poller';
import { AlertWatch } from '../../electron/core/quotas/alert-watch';
import { createSources } from '../../electron/core/sources/create-source';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import {
  type FakeController,
  opensslUnavailable,
  selfSignedCertificate,
  startFakeController,
  type TestCertificate,
} from '../support/unifi-controller';
import {
  advanced,
  STEP_BYTES as B,
  fixtureDevices,
  type RawDevice,
} from '../support/unifi-fixtures';

const noOpenssl = opensslUnavailable();
let certificate: TestCertificate;
let db: TestDatabase;
let controllers: FakeController[] = [];
let lines: string[];
/** Every device's counters move by one step per poll, whether anyone asks or not. */
let step = 0;

beforeAll(() => {
  if (noOpenssl === null) certificate = selfSignedCertificate();
});
beforeEach(async (ctx) => {
  if (noOpenssl !== null) ctx.skip(`HTTPS tests need a certificate: ${noOpenssl}`);
  db = await createTestDatabase();
  await migrate(db.pool);
  lines = [];
  step = 0;
});
afterEach(async () => {
  await Promise.all(controllers.map((c) => c.close()));
  controllers = [];
  await db?.drop();
});

const [apB, sw24, usgPro] = fixtureDevices('dim13-unifi_rawDevices.json') as RawDevice[];
const [acPro, , switch16] = fixtureDevices('Kane610-aiounifi_tests_fixtures.json') as RawDevice[];
const [usg] = fixtureDevices('unpoller-unifi_examples_ugw.json') as RawDevice[];
const [wapLower] = fixtureDevices('unpoller-unifi_examples_uap.json') as RawDevice[];
const moving = (devices: RawDevice[]) => () => devices.map((d) => advanced(d, step));

/** Per poll, as the app reads them: gateways by their WAN port, switches and APs top-level. */
const GATEWAY = { rx: B.wan1Rx, tx: B.wan1Tx };
const SWITCH_OR_AP = { rx: B.topTx, tx: B.topRx };

async function controller(
  flavour: 'unifi-os' | 'classic',
  sites: Record<string, { description: string; devices: () => unknown[] }>,
  extra: { answerDelayMs?: number; sharedInFlight?: { now: number; max: number } } = {},
): Promise<FakeController> {
  const started = await startFakeController({
    flavour,
    certificate,
    username: 'admin',
    password: 'hunter2',
    devices: () => [],
    sites,
    ...extra,
  });
  controllers.push(started);
  return started;
}

function unifi(c: FakeController, site: string) {
  return {
    kind: 'unifi' as const,
    controllerUrl: c.url,
    auth: { kind: 'password' as const, username: 'admin', password: 'hunter2' },
    site,
    fingerprint: certificate.fingerprint,
  };
}

function poller(
  sources: Parameters<typeof createSources>[0],
  parallel?: number,
  recorder = new CycleRecorder(db.pool),
  alerts?: AlertWatch,
) {
  return new Poller({
    ...(alerts === undefined
      ? {}
      : {
          afterCommit: async (cycle, devices, unanswered) => {
            await alerts.afterCommit(db.pool, cycle, devices, unanswered);
          },
        }),
    source: createSources(sources, 5_000, () => new Date(), undefined, undefined, {
      parallel,
      storedOwners: () => loadCounterSources(db.pool),
    }),
    recorder,
    intervalMs: 60_000,
    describeDatabaseError: (error) => describeMysqlError(error, db.settings),
    log: (entry) => lines.push(...entry.split('\n')),
  });
}

/** Polls `n` times, the counters moving one step before each poll. */
async function polls(p: Poller, n: number) {
  const outcomes = [];
  for (let i = 0; i < n; i += 1) {
    step += 1;
    outcomes.push(await p.pollOnce());
  }
  return outcomes;
}

/** What was counted per router (the sum of its snapshots' deltas), with its site and source. */
async function counted() {
  const rows = await db.rows<Record<string, string | null>>(
    `SELECT r.mac_address AS mac, r.site, r.counter_source AS source,
            CAST(COALESCE(SUM(s.rx_bytes_diff), 0) AS CHAR) AS rx, CAST(COALESCE(SUM(s.tx_bytes_diff), 0) AS CHAR) AS tx
       FROM routers r LEFT JOIN bandwidth_snapshots s ON s.router_id = r.id
      GROUP BY r.id ORDER BY r.mac_address`,
  );
  return new Map(rows.map((row) => [row.mac as string, row]));
}

const bytes = (per: { rx: bigint; tx: bigint }, steps: number) => ({
  rx: String(per.rx * BigInt(steps)),
  tx: String(per.tx * BigInt(steps)),
});

describe('every site of a controller, and several sources at once', () => {
  it('records every router of two sites and a second controller, each with its site and source, exactly', async () => {
    const hq = await controller('unifi-os', {
      default: { description: 'Head office', devices: moving([apB, sw24, usgPro] as RawDevice[]) },
      branch2: { description: 'Branch 2', devices: moving([acPro, switch16] as RawDevice[]) },
    });
    const shop = await controller('classic', {
      default: { description: 'Default', devices: moving([usg, wapLower] as RawDevice[]) },
    });
    const p = poller([unifi(hq, 'all'), unifi(shop, 'default')]);
    const outcomes = await polls(p, 4);
    expect(outcomes.map((o) => o.kind)).toEqual(['recorded', 'recorded', 'recorded', 'recorded']);
    // `all` was listed once per poll through self/sites, on UniFi OS under /proxy/network.
    expect(hq.requests.filter((r) => r.path === '/proxy/network/api/self/sites')).toHaveLength(4);
    expect(hq.logins).toBe(1);

    const rows = await counted();
    const hqSource = `UniFi controller at ${new URL(hq.url).origin}`;
    const shopSource = `UniFi controller at ${new URL(shop.url).origin}`;
    const expected = {
      '54:B0:B5:05:05:68': ['default', hqSource, GATEWAY],
      '2C:0A:8D:05:8B:03': ['default', hqSource, SWITCH_OR_AP],
      '1E:68:E1:90:25:6B': ['default', hqSource, SWITCH_OR_AP],
      '80:2A:A8:00:01:02': ['branch2', hqSource, SWITCH_OR_AP],
      'FC:EC:DA:11:22:33': ['branch2', hqSource, SWITCH_OR_AP],
      '22:22:00:22:22:00': ['default', shopSource, GATEWAY],
      '80:22:22:22:22:22': ['default', shopSource, SWITCH_OR_AP],
    } as const;
    expect([...rows.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [mac, [site, source, per]] of Object.entries(expected)) {
      // Four polls: a baseline, then three steps counted.
      expect(rows.get(mac), mac).toEqual({ mac, site, source, ...bytes(per, 3) });
    }
    // Each site's figures, as the history groups them.
    const bySite = await db.rows<Record<string, string>>(
      `SELECT r.counter_source AS source, r.site, CAST(SUM(h.rx_bytes) AS CHAR) AS rx
         FROM bandwidth_hourly h JOIN routers r ON r.id = h.router_id
        GROUP BY r.counter_source, r.site ORDER BY r.counter_source, r.site`,
    );
    const perSite = (...per: Array<{ rx: bigint }>) =>
      String(per.reduce((sum, p) => sum + p.rx, 0n) * 3n);
    expect(bySite).toEqual(
      [
        { source: hqSource, site: 'branch2', rx: perSite(SWITCH_OR_AP, SWITCH_OR_AP) },
        { source: hqSource, site: 'default', rx: perSite(GATEWAY, SWITCH_OR_AP, SWITCH_OR_AP) },
        { source: shopSource, site: 'default', rx: perSite(GATEWAY, SWITCH_OR_AP) },
      ].sort((a, b) => `${a.source} ${a.site}`.localeCompare(`${b.source} ${b.site}`)),
    );
  }, 60_000);

  it('keeps recording the others while one source is down, says so once, and counts its gap once when it is back', async () => {
    const hq = await controller('unifi-os', {
      default: { description: 'Head office', devices: moving([apB, sw24] as RawDevice[]) },
      branch2: { description: 'Branch 2', devices: moving([acPro] as RawDevice[]) },
    });
    const shop = await controller('classic', {
      default: { description: 'Default', devices: moving([usg] as RawDevice[]) },
    });
    const p = poller([unifi(hq, 'default,branch2'), unifi(shop, 'default')]);
    await polls(p, 2);
    shop.setDown(true);
    const during = await polls(p, 3);
    // The others are recorded every poll; the one down is said once, not every poll.
    expect(during.map((o) => o.kind)).toEqual(['recorded', 'recorded', 'recorded']);
    const downLines = lines.filter((l) => l.includes('❌') && l.includes(new URL(shop.url).origin));
    expect(downLines).toHaveLength(1);
    expect(downLines[0]).toContain('HTTP 503');
    expect(downLines[0]).toContain('The other sources are recorded');
    // The status does not say all is well.
    expect(p.recordingHealth().partsDown).toEqual([expect.stringContaining('HTTP 503')]);
    // Meanwhile, the head office's routers counted every step.
    let rows = await counted();
    expect(rows.get('1E:68:E1:90:25:6B')).toMatchObject(bytes(SWITCH_OR_AP, 4));
    expect(rows.get('80:2A:A8:00:01:02')).toMatchObject({
      site: 'branch2',
      ...bytes(SWITCH_OR_AP, 4),
    });
    expect(rows.get('22:22:00:22:22:00')).toMatchObject(bytes(GATEWAY, 1));

    shop.setDown(false);
    await polls(p, 2);
    expect(
      lines.filter((l) => l.includes('✅') && l.includes('is back after 3 failed attempt(s)')),
    ).toHaveLength(1);
    expect(p.recordingHealth().partsDown).toBeUndefined();
    rows = await counted();
    // Back: the three polls it missed are in its counters, counted once (1 + 3 + 1 steps).
    expect(rows.get('22:22:00:22:22:00')).toMatchObject(bytes(GATEWAY, 6));
    expect(rows.get('1E:68:E1:90:25:6B')).toMatchObject(bytes(SWITCH_OR_AP, 6));
  }, 60_000);

  it('a site that fails is that site’s problem: the other site is recorded and the failure said once', async () => {
    const hq = await controller('unifi-os', {
      default: { description: 'Head office', devices: moving([apB] as RawDevice[]) },
      branch2: { description: 'Branch 2', devices: moving([acPro] as RawDevice[]) },
    });
    const p = poller([unifi(hq, 'all')]);
    await polls(p, 1);
    hq.setSiteFailing('branch2', true);
    expect((await polls(p, 3)).map((o) => o.kind)).toEqual(['recorded', 'recorded', 'recorded']);
    expect(lines.filter((l) => l.includes('Site "branch2"') && l.includes('❌'))).toHaveLength(1);
    expect(p.recordingHealth().partsDown).toEqual([expect.stringContaining('Site "branch2"')]);
    hq.setSiteFailing('branch2', false);
    await polls(p, 1);
    const rows = await counted();
    expect(rows.get('1E:68:E1:90:25:6B')).toMatchObject(bytes(SWITCH_OR_AP, 4));
    expect(rows.get('80:2A:A8:00:01:02')).toMatchObject(bytes(SWITCH_OR_AP, 4));
    // Every site failing is the source's failure.
    hq.setSiteFailing('default', true);
    hq.setSiteFailing('branch2', true);
    const [outcome] = await polls(p, 1);
    expect(outcome?.kind).toBe('source-failed');
  }, 60_000);

  it('announces a router offline only when its own source and site answered without it', async () => {
    let branchDevices: RawDevice[] = [acPro] as RawDevice[];
    const hq = await controller('unifi-os', {
      default: { description: 'Head office', devices: moving([apB] as RawDevice[]) },
      branch2: {
        description: 'Branch 2',
        devices: () => branchDevices.map((d) => advanced(d, step)),
      },
    });
    const shop = await controller('classic', {
      default: { description: 'Default', devices: moving([usg] as RawDevice[]) },
    });
    const alerts = new AlertWatch((line) => lines.push(line));
    const p = poller([unifi(hq, 'all'), unifi(shop, 'default')], undefined, undefined, alerts);
    await polls(p, 2);
    const offlineLines = () => lines.filter((l) => l.includes('📴') || l.includes('🔌'));
    // A whole source down, then one site failing, each for more than the 3 polls: not asked,
    // so its routers are neither offline nor back (the source's own notice says it).
    shop.setDown(true);
    await polls(p, 4);
    shop.setDown(false);
    hq.setSiteFailing('branch2', true);
    await polls(p, 4);
    hq.setSiteFailing('branch2', false);
    await polls(p, 1);
    expect(offlineLines()).toEqual([]);
    // The site answers without its AP: that one is offline after 3 polls, said once.
    branchDevices = [];
    await polls(p, 4);
    expect(offlineLines()).toEqual([expect.stringContaining('📴')]);
    expect(offlineLines()[0]).toContain(String(acPro?.name));
    branchDevices = [acPro] as RawDevice[];
    await polls(p, 1);
    expect(offlineLines()).toEqual([expect.stringContaining('📴'), expect.stringContaining('🔌')]);
  }, 60_000);

  it('asks no more sources at once than allowed', async () => {
    const shared = { now: 0, max: 0 };
    const make = () =>
      controller(
        'classic',
        { default: { description: 'Default', devices: moving([usg] as RawDevice[]) } },
        { answerDelayMs: 150, sharedInFlight: shared },
      );
    const three = [await make(), await make(), await make()];
    await polls(
      poller(
        three.map((c) => unifi(c, 'default')),
        2,
      ),
      2,
    );
    expect(shared.max).toBe(2);
    shared.max = 0;
    await polls(
      poller(
        three.map((c) => unifi(c, 'default')),
        1,
      ),
      1,
    );
    expect(shared.max).toBe(1);
  }, 60_000);

  it('one MAC from two sources: the series stays with the source that owns it, said once', async () => {
    // The shop's controller also lists the head office's AP (adopted twice, or a MAC clash),
    // with counters of its own that move faster.
    const twin = (d: RawDevice) => {
      const copy = advanced(d, step * 5);
      return { ...copy, name: 'AP-B (as the shop sees it)' };
    };
    const hq = await controller('unifi-os', {
      default: { description: 'Head office', devices: moving([apB] as RawDevice[]) },
    });
    const shop = await controller('classic', {
      default: {
        description: 'Default',
        devices: () => [advanced(usg as RawDevice, step), twin(apB as RawDevice)],
      },
    });
    const hqSource = `UniFi controller at ${new URL(hq.url).origin}`;
    const p = poller([unifi(hq, 'default'), unifi(shop, 'default')]);
    await polls(p, 3);
    // The owner is down: the other source's reading does not take the series over.
    hq.setDown(true);
    await polls(p, 2);
    hq.setDown(false);
    await polls(p, 2);
    let rows = await counted();
    expect(rows.get('1E:68:E1:90:25:6B')).toMatchObject({
      source: hqSource,
      ...bytes(SWITCH_OR_AP, 6),
    });
    const said = lines.filter((l) => l.includes('1E:68:E1:90:25:6B'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`its series stays with the ${hqSource}`);
    // Never "now come from" another source (the recorder's line for a series that changed owner).
    expect(lines.join('\n')).not.toContain('now come from');

    // A restart that lists the shop first: the stored owner still keeps the series.
    const again = poller([unifi(shop, 'default'), unifi(hq, 'default')]);
    await polls(again, 2);
    rows = await counted();
    expect(rows.get('1E:68:E1:90:25:6B')).toMatchObject({
      source: hqSource,
      ...bytes(SWITCH_OR_AP, 8),
    });
    const snapshots = await db.rows<{ n: number }>(
      `SELECT COUNT(*) AS n FROM bandwidth_snapshots s JOIN routers r ON r.id = s.router_id
        WHERE r.mac_address = '1E:68:E1:90:25:6B' AND s.rx_bytes_diff = 0 AND s.tx_bytes_diff = 0`,
    );
    // One baseline (the first poll), never another: the series never flipped.
    expect(Number(snapshots[0]?.n)).toBe(1);
  }, 60_000);

  it('a device that moved to the other source starts a new baseline there, never a delta across sources', async () => {
    let moved = false;
    const hq = await controller('unifi-os', {
      default: {
        description: 'Head office',
        devices: () => (moved ? [] : [advanced(apB as RawDevice, step)]),
      },
    });
    const shop = await controller('classic', {
      default: {
        description: 'Default',
        // Re-adopted at the shop: the same MAC, its counters from the shop's controller.
        devices: () =>
          moved ? [advanced(apB as RawDevice, step * 7)] : [advanced(usg as RawDevice, step)],
      },
    });
    const p = poller([unifi(hq, 'default'), unifi(shop, 'default')]);
    await polls(p, 2);
    moved = true;
    await polls(p, 3);
    const shopSource = `UniFi controller at ${new URL(shop.url).origin}`;
    const rows = await counted();
    // One step at the head office, then a baseline at the shop and two of its steps.
    expect(rows.get('1E:68:E1:90:25:6B')).toMatchObject({
      source: shopSource,
      rx: String(SWITCH_OR_AP.rx + 2n * 7n * SWITCH_OR_AP.rx),
      tx: String(SWITCH_OR_AP.tx + 2n * 7n * SWITCH_OR_AP.tx),
    });
    expect(lines.filter((l) => l.includes('now come from'))).toHaveLength(1);
  }, 60_000);
});
