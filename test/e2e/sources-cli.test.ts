// The collector CLI polling a UniFi controller directly (UniFi OS and classic, over HTTPS with
// a pinned self-signed certificate) and the built-in demo network, into a real MariaDB.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCollector } from '../support/collector-process';
import { startDeviceServer } from '../support/device-server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { controllerForTest, unifiSite } from '../support/unifi-controller';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

describe('collector CLI with other sources', () => {
  it.for(['unifi-os', 'classic'] as const)(
    'records a %s controller read over HTTPS with a pinned certificate',
    { timeout: 60_000 },
    async (flavour, ctx) => {
      const { controller, certificate } = await controllerForTest(ctx, { flavour });
      try {
        const run = await runCollector(
          [
            '--source',
            'unifi',
            '--controller-url',
            controller.url,
            '--fingerprint',
            certificate.fingerprint,
            '--mysql-url',
            db.url,
            '--interval',
            '0.1',
            '--cycles',
            '3',
          ],
          // The password from the environment, as the README advises (not visible in `ps`).
          { BT_USERNAME: 'admin', BT_PASSWORD: 'hunter2' },
        );
        expect(run.code).toBe(0);
        expect(run.stdout).toContain(
          `polling the UniFi controller at ${controller.url} (site default)`,
        );
        expect(run.stdout + run.stderr).not.toContain('hunter2');
        expect(controller.logins).toBe(1);
        const routers = await db.rows<Record<string, string>>(
          'SELECT name, mac_address, brand, model, total_rx_bytes, total_tx_bytes FROM routers ORDER BY mac_address',
        );
        // Totals: the first counters plus two polls of growth (the gateway's WAN port past 2^53).
        expect(routers).toEqual([
          {
            name: 'Dream Machine',
            mac_address: 'F4:E2:C6:00:00:01',
            brand: 'Ubiquiti',
            model: 'UDMPRO',
            total_rx_bytes: String(9_007_199_254_740_993n + 2n * 2_000_000n),
            total_tx_bytes: String(50_000_000n + 2n * 500_000n),
          },
          {
            name: 'Core Switch',
            mac_address: 'F4:E2:C6:00:00:02',
            brand: 'Ubiquiti',
            model: 'USW-24-PoE',
            // Switches and APs: top-level tx is what went to the clients (download).
            total_rx_bytes: String(30_000_000_000n + 2n * 1_000_000n),
            total_tx_bytes: String(40_000_000_000n + 2n * 3_000_000n),
          },
          {
            name: 'Office AP',
            mac_address: 'F4:E2:C6:00:00:03',
            brand: 'Ubiquiti',
            model: 'U6-Pro',
            total_rx_bytes: '1001000000',
            total_tx_bytes: '2002000000',
          },
          {
            name: 'U6-Lite F4:E2:C6:00:00:04',
            mac_address: 'F4:E2:C6:00:00:04',
            brand: 'Ubiquiti',
            model: 'U6-Lite',
            total_rx_bytes: '850',
            total_tx_bytes: '2100',
          },
        ]);
        const logs = await db.rows<Record<string, number>>(
          'SELECT download_mbps, upload_mbps, latency_ms FROM bandwidth_logs l JOIN routers r ON r.id = l.router_id WHERE r.name = ? LIMIT 1',
          ['Dream Machine'],
        );
        expect(logs[0]).toEqual({ download_mbps: 940.2, upload_mbps: 410.7, latency_ms: 7 });
      } finally {
        await controller.close();
      }
    },
  );

  it('refuses a controller whose certificate is not pinned, and says which fingerprint to trust', async (ctx) => {
    const { controller, certificate } = await controllerForTest(ctx);
    try {
      const run = await runCollector(
        [
          '--source',
          'unifi',
          '--controller-url',
          controller.url,
          '--mysql-url',
          db.url,
          '--interval',
          '0.1',
          '--cycles',
          '2',
        ],
        { BT_USERNAME: 'admin', BT_PASSWORD: 'hunter2' },
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`pass --fingerprint ${certificate.fingerprint}`);
      expect(controller.requests).toEqual([]);
    } finally {
      await controller.close();
    }
  }, 60_000);

  it('runs the demo network, labelled DEMO, with no server', async () => {
    const run = await runCollector([
      '--source',
      'demo',
      '--mysql-url',
      db.url,
      '--interval',
      '0.1',
      '--cycles',
      '2',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('polling the DEMO network (simulated, no server needed)');
    const [row] = await db.rows<{ n: number }>('SELECT COUNT(*) AS n FROM routers');
    expect(Number(row?.n)).toBe(12);
  }, 60_000);

  /** Two sites: the usual small site as `default`, and a branch with one AP of its own. */
  function twoSites() {
    let steps = { default: 0, branch2: 0 };
    const branchAp = (step: number) => ({
      _id: 'b1',
      type: 'uap',
      model: 'U6-Lite',
      name: 'Branch AP',
      mac: 'f4:e2:c6:00:01:01',
      uptime: 1_000 + step * 60,
      rx_bytes: 1_000_000n + 4_000n * BigInt(step),
      tx_bytes: 2_000_000n + 7_000n * BigInt(step),
    });
    return {
      sites: {
        default: { description: 'Head office', devices: () => unifiSite(steps.default++) },
        branch2: { description: 'Branch 2', devices: () => [branchAp(steps.branch2++)] },
      },
      reset: () => {
        steps = { default: 0, branch2: 0 };
      },
    };
  }

  it('polls every site of a controller and the API server in one process (--sources)', async (ctx) => {
    const { sites } = twoSites();
    const { controller, certificate } = await controllerForTest(ctx, { sites });
    const api = await startDeviceServer(() => ({
      devices: [
        { name: 'Shop router', mac: 'AA:BB:CC:00:00:09', rx_bytes: 5_000, tx_bytes: 7_000 },
      ],
    }));
    const dir = mkdtempSync(join(tmpdir(), 'bt-sources-'));
    try {
      const file = join(dir, 'sources.json');
      writeFileSync(
        file,
        JSON.stringify([
          {
            source: 'unifi',
            controllerUrl: controller.url,
            site: 'all',
            username: 'admin',
            passwordEnv: 'HQ_PASSWORD',
            fingerprint: certificate.fingerprint,
          },
          { source: 'seed', apiUrl: api.url },
        ]),
      );
      const run = await runCollector(
        ['--sources', file, '--mysql-url', db.url, '--interval', '0.1', '--cycles', '3'],
        { HQ_PASSWORD: 'hunter2' },
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        `polling 2 sources at once: the UniFi controller at ${controller.url} (every site); the device API at ${api.url}`,
      );
      expect(run.stdout + run.stderr).not.toContain('hunter2');
      const rows = await db.rows<Record<string, string>>(
        'SELECT name, site, counter_source, total_rx_bytes, total_tx_bytes FROM routers ORDER BY name',
      );
      const hq = `UniFi controller at ${new URL(controller.url).origin}`;
      expect(rows.map((r) => [r.name, r.site, r.counter_source])).toEqual([
        ['Branch AP', 'branch2', hq],
        ['Core Switch', 'default', hq],
        ['Dream Machine', 'default', hq],
        ['Office AP', 'default', hq],
        ['Shop router', null, `device API at ${api.url}/api/unifi/devices`],
        ['U6-Lite F4:E2:C6:00:00:04', 'default', hq],
      ]);
      // The branch AP: its first counters and two polls of growth (download is an AP's tx).
      expect(rows[0]).toMatchObject({
        total_rx_bytes: String(2_000_000 + 2 * 7_000),
        total_tx_bytes: String(1_000_000 + 2 * 4_000),
      });
      expect(rows[4]).toMatchObject({ total_rx_bytes: '5000', total_tx_bytes: '7000' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await api.close();
      await controller.close();
    }
  }, 60_000);

  it('polls every site with --site all, and names a bad --sources file plainly', async (ctx) => {
    const { sites } = twoSites();
    const { controller, certificate } = await controllerForTest(ctx, { sites });
    try {
      const run = await runCollector(
        [
          '--source',
          'unifi',
          '--controller-url',
          controller.url,
          '--site',
          'all',
          '--fingerprint',
          certificate.fingerprint,
          '--mysql-url',
          db.url,
          '--interval',
          '0.1',
          '--cycles',
          '2',
        ],
        { BT_USERNAME: 'admin', BT_PASSWORD: 'hunter2' },
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        `polling the UniFi controller at ${controller.url} (every site)`,
      );
      const sitesSeen = await db.rows<{ site: string; n: number }>(
        'SELECT site, COUNT(*) AS n FROM routers GROUP BY site ORDER BY site',
      );
      expect(sitesSeen.map((r) => [r.site, Number(r.n)])).toEqual([
        ['branch2', 1],
        ['default', 4],
      ]);
    } finally {
      await controller.close();
    }
    const dir = mkdtempSync(join(tmpdir(), 'bt-sources-'));
    try {
      const file = join(dir, 'sources.json');
      writeFileSync(file, JSON.stringify([{ source: 'unifi', controllerUrl: 'https://10.0.0.1' }]));
      const run = await runCollector(['--sources', file, '--mysql-url', db.url]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `--sources ${file}, source 1: a unifi source needs "username" and "password"`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
