// The collector CLI polling a UniFi controller directly (UniFi OS and classic, over HTTPS with
// a pinned self-signed certificate) and the built-in demo network, into a real MariaDB.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCollector } from '../support/collector-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { controllerForTest } from '../support/unifi-controller';

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
});
