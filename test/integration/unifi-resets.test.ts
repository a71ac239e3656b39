// Controller restarts, true reboots and WAN failover, from real payloads served by the fake
// controller, through the real service and MariaDB.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { announcedRebootsFile } from '../../electron/core/announced-reboots-file';
import { BandwidthService } from '../../electron/core/bandwidth-service';
import type { RebootPolicy } from '../../electron/core/counter-reset';
import { gbpsToBytesPerSecond } from '../../electron/core/tracker';
import type { RebootEvent } from '../../shared/ipc-contract';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { controllerForTest, type FakeController } from '../support/unifi-controller';
import { fixtureDevices, type RawDevice } from '../support/unifi-fixtures';

let db: TestDatabase;
let controller: FakeController | null = null;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await controller?.close();
  controller = null;
  await db.drop();
});

const kane = fixtureDevices('Kane610-aiounifi_tests_fixtures.json');
const AP = kane.find((d) => d.model === 'U7PG2') as RawDevice;
const USG = kane.find((d) => d.model === 'UGW3') as RawDevice;

/** What the fake controller lists now; tests change it between cycles. */
let listed: RawDevice[] = [];

async function service(ctx: { skip: (note: string) => void }, rebootPolicy?: RebootPolicy) {
  const started = await controllerForTest(ctx, { devices: () => listed });
  controller = started.controller;
  const log: string[] = [];
  const svc = new BandwidthService({
    settings: {
      apiUrl: '',
      source: {
        kind: 'unifi',
        controllerUrl: started.controller.url,
        auth: { kind: 'password', username: 'admin', password: 'hunter2' },
        site: 'default',
        fingerprint: started.certificate.fingerprint,
      },
      intervalMs: 1_000,
      timeoutMs: 5_000,
      mysql: db.settings as never,
      // As Settings passes it (toServiceSettings).
      rebootPolicy,
    },
    limits: { maxBytesPerSecond: gbpsToBytesPerSecond(10) },
    log: (line) => log.push(line),
    announcedReboots: announcedRebootsFile(
      join(mkdtempSync(join(tmpdir(), 'bt-unifi-')), 'a.json'),
    ),
  });
  const reboots: RebootEvent[] = [];
  svc.on('routerRebooted', (event) => reboots.push(event));
  const cycle = () => svc.run({ cycles: 1, signal: new AbortController().signal });
  return { cycle, reboots, log };
}

/** The AP as listed `seconds` after the capture, with its top-level counters at rx/tx. */
function ap(seconds: number, rx: bigint, tx: bigint): RawDevice {
  return { ...AP, uptime: (AP.uptime as number) + seconds, rx_bytes: rx, tx_bytes: tx };
}

async function snapshots(mac: string) {
  return db.rows<Record<string, string | number>>(
    `SELECT s.rx_bytes_diff AS rx, s.tx_bytes_diff AS tx, s.is_reset AS reset,
            s.is_counter_reset AS counterReset
       FROM bandwidth_snapshots s JOIN routers r ON r.id = s.router_id
      WHERE r.mac_address = ? ORDER BY s.id`,
    [mac],
  );
}

describe('UniFi counter restarts and reboots (real payloads, real MariaDB)', () => {
  it('counts the traffic since a controller restart, flags it, and announces no reboot', async (ctx) => {
    const { cycle, reboots, log } = await service(ctx);
    listed = [ap(0, 4_049_050_176n, 198_524_031_529n)];
    await cycle();
    listed = [ap(60, 4_049_150_176n, 198_524_531_529n)];
    await cycle();
    // The controller restarts: its accumulators start again from 0, the AP stays up.
    listed = [ap(120, 30_000n, 700_000n)];
    await cycle();
    listed = [ap(180, 50_000n, 900_000n)];
    await cycle();
    // Download is top-level tx (clients' view), so rx holds the tx figures.
    expect(await snapshots('80:2A:A8:00:01:02')).toEqual([
      { rx: '0', tx: '0', reset: 0, counterReset: 0 },
      { rx: '500000', tx: '100000', reset: 0, counterReset: 0 },
      { rx: '700000', tx: '30000', reset: 0, counterReset: 1 },
      { rx: '200000', tx: '20000', reset: 0, counterReset: 0 },
    ]);
    expect(reboots).toEqual([]);
    expect(log.some((line) => line.includes('🔁 ACCESS POINT AC PRO — counters restarted'))).toBe(
      true,
    );
    const [router] = await db.rows<{ rx: string; tx: string }>(
      "SELECT total_rx_bytes AS rx, total_tx_bytes AS tx FROM routers WHERE mac_address = '80:2A:A8:00:01:02'",
    );
    expect(router).toEqual({
      rx: String(198_524_031_529n + 500_000n + 700_000n + 200_000n),
      tx: String(4_049_050_176n + 100_000n + 30_000n + 20_000n),
    });
  });

  it('still announces a true reboot (uptime back) and counts nothing by default', async (ctx) => {
    const { cycle, reboots } = await service(ctx);
    listed = [ap(0, 4_049_050_176n, 198_524_031_529n)];
    await cycle();
    listed = [{ ...ap(0, 10_000n, 20_000n), uptime: 30 }];
    await cycle();
    expect(reboots.map((e) => e.reboots.map((r) => r.name))).toEqual([['ACCESS POINT AC PRO']]);
    expect((await snapshots('80:2A:A8:00:01:02'))[1]).toEqual({
      rx: '0',
      tx: '0',
      reset: 1,
      counterReset: 0,
    });
  });

  it('with "count since the reboot", counts the counters of a device that booted after the last poll', async (ctx) => {
    const { cycle, reboots } = await service(ctx, 'count-since-reboot');
    listed = [ap(0, 4_049_050_176n, 198_524_031_529n)];
    await cycle();
    // Uptime 0: it booted after the previous poll whatever the time between the two cycles.
    listed = [{ ...ap(0, 10_000n, 20_000n), uptime: 0 }];
    await cycle();
    expect(reboots).toHaveLength(1);
    expect((await snapshots('80:2A:A8:00:01:02'))[1]).toEqual({
      rx: '20000',
      tx: '10000',
      reset: 1,
      counterReset: 0,
    });
  });

  it('counts each WAN of a gateway on its own: a WAN that goes down and restarts its counters touches only itself', async (ctx) => {
    const { cycle, reboots, log } = await service(ctx);
    const wan = (rx: bigint, tx: bigint, up = true) => ({ rx_bytes: rx, tx_bytes: tx, up });
    const usg = (seconds: number, wan1: object, wan2: object) => ({
      ...USG,
      uptime: (USG.uptime as number) + seconds,
      wan1: { ...(USG.wan1 as object), ...wan1 },
      wan2: { ...(USG.wan2 as object), ...wan2 },
    });
    listed = [usg(0, wan(1_000_000_000n, 100_000_000n), wan(500_000_000n, 200_000_000n))];
    await cycle();
    // WAN1 fails: its counters drop to 0; WAN2 carries the traffic.
    listed = [usg(60, wan(0n, 0n, false), wan(530_000_000n, 203_000_000n))];
    await cycle();
    // WAN1 is back, counting from 0 again; both carry traffic.
    listed = [usg(120, wan(4_000_000n, 1_000_000n), wan(540_000_000n, 204_000_000n))];
    await cycle();
    expect(await snapshots('78:8A:20:33:44:55')).toEqual([
      { rx: '0', tx: '0', reset: 0, counterReset: 0 },
      { rx: '0', tx: '0', reset: 0, counterReset: 1 },
      { rx: '4000000', tx: '1000000', reset: 0, counterReset: 0 },
    ]);
    expect(await snapshots('02:02:20:33:44:55')).toEqual([
      { rx: '0', tx: '0', reset: 0, counterReset: 0 },
      { rx: '30000000', tx: '3000000', reset: 0, counterReset: 0 },
      { rx: '10000000', tx: '1000000', reset: 0, counterReset: 0 },
    ]);
    expect(reboots).toEqual([]);
    // The console shows which WAN carried the traffic during the failover.
    expect(log.some((line) => line.includes('📊 USG · WAN2 — RX +30.00 MB, TX +3.00 MB'))).toBe(
      true,
    );
  });
});
