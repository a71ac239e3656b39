import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { migrate } from '../../electron/core/db/migrate';
import { parseDevicePayload } from '../../electron/core/payload';
import type { DeviceReading } from '../../shared/types';
import { designPayload, LIVING_ROOM } from '../support/design-timeline';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
});
afterEach(async () => {
  await db.drop();
});

const minute = (n: number) => new Date(Date.UTC(2026, 0, 1, 20, n, 5));
const devicesOf = (payload: unknown[]): DeviceReading[] => parseDevicePayload(payload).devices;

function device(
  mac: string,
  rx: bigint | number | string,
  tx: bigint | number | string,
  extra = {},
) {
  return { name: `Router ${mac.slice(-2)}`, mac, rx_bytes: rx, tx_bytes: tx, ...extra };
}

async function routerByMac(mac: string) {
  const [row] = await db.rows<Record<string, unknown>>(
    'SELECT * FROM routers WHERE mac_address = ?',
    [mac],
  );
  return row;
}

async function snapshotsOf(mac: string) {
  return db.rows<Record<string, unknown>>(
    `SELECT s.rx_bytes_total, s.tx_bytes_total, s.rx_bytes_diff, s.tx_bytes_diff, s.is_reset, s.uptime
       FROM bandwidth_snapshots s JOIN routers r ON r.id = s.router_id
      WHERE r.mac_address = ? ORDER BY s.id`,
    [mac],
  );
}

describe('CycleRecorder on a real MariaDB', () => {
  it('plays the design timeline: baseline, deltas, reboot, delta', async () => {
    const recorder = new CycleRecorder(db.pool);
    for (let step = 0; step < 5; step += 1) {
      await recorder.record(devicesOf(designPayload(step)), minute(step));
    }
    expect(await snapshotsOf(LIVING_ROOM.mac)).toEqual([
      row(4_999_000_000, 1_999_500_000, 0, 0, 0),
      row(5_000_000_000, 2_000_000_000, 1_000_000, 500_000, 0),
      row(5_002_000_000, 2_001_000_000, 2_000_000, 1_000_000, 0),
      row(1_200_000, 800_000, 0, 0, 1),
      row(1_700_000, 1_100_000, 500_000, 300_000, 0),
    ]);
    const router = await routerByMac(LIVING_ROOM.mac);
    // Totals start at the first counters and only grow by counted deltas.
    expect(router?.total_rx_bytes).toBe(String(4_999_000_000 + 1_000_000 + 2_000_000 + 500_000));
    expect(router?.total_tx_bytes).toBe(String(1_999_500_000 + 500_000 + 1_000_000 + 300_000));
    expect(router?.last_bandwidth_update).toEqual(minute(4));
    expect(router).toMatchObject({
      name: 'Living Room AP',
      ip_address: '10.0.0.2',
      brand: 'Ubiquiti',
      location: 'Home',
    });

    const logs = await db.rows<Record<string, unknown>>(
      'SELECT download_mbps, upload_mbps, latency_ms FROM bandwidth_logs l JOIN routers r ON r.id = l.router_id WHERE r.mac_address = ?',
      [LIVING_ROOM.mac],
    );
    expect(logs).toHaveLength(5);
    expect(logs[0]).toEqual({ download_mbps: 120.5, upload_mbps: 30.2, latency_ms: 4 });
  });

  it('uses the same number of round trips for 1, 20 and 500 devices', async () => {
    const recorder = new CycleRecorder(db.pool);
    const trips: number[][] = [];
    for (const count of [1, 20, 500]) {
      const macs = Array.from(
        { length: count },
        (_, i) =>
          `02:00:00:${count.toString(16).padStart(2, '0').slice(-2)}:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
      );
      const first = await recorder.record(
        devicesOf(macs.map((mac) => device(mac, 1000, 1000))),
        minute(0),
      );
      const second = await recorder.record(
        devicesOf(macs.map((mac) => device(mac, 2000, 1500))),
        minute(1),
      );
      trips.push([first.roundTrips, second.roundTrips]);
    }
    // First sight: look the routers up, insert the missing ones and read their ids, write
    // everything and commit. Then the whole transaction is one round trip.
    expect(trips).toEqual([
      [3, 1],
      [3, 1],
      [3, 1],
    ]);
    const [sum] = await db.rows<{ n: string; rx: string }>(
      'SELECT COUNT(*) AS n, SUM(total_rx_bytes) AS rx FROM routers',
    );
    // COUNT and SUM are BIGINT/DECIMAL: exact strings, like every counter.
    expect(sum).toEqual({ n: '521', rx: String(521 * 2000) });
  });

  it('resumes from the stored baseline after a restart: traffic while stopped is counted', async () => {
    const first = new CycleRecorder(db.pool);
    await first.record(
      devicesOf([device('AA:00:00:00:00:01', 100, 100, { uptime: 50 })]),
      minute(0),
    );
    await first.record(
      devicesOf([device('AA:00:00:00:00:01', 300, 150, { uptime: 110 })]),
      minute(1),
    );

    const restarted = new CycleRecorder(db.pool);
    const cycle = await restarted.record(
      devicesOf([device('AA:00:00:00:00:01', 1300, 650, { uptime: 400 })]),
      minute(6),
    );
    expect(cycle.tracked[0]?.delta).toEqual({ kind: 'delta', rxDiff: 1000n, txDiff: 500n });
    // Known to the database but not to this copy: read them, then write.
    expect(cycle.roundTrips).toBe(2);
    expect(await routerByMac('AA:00:00:00:00:01')).toMatchObject({
      total_rx_bytes: '1300',
      total_tx_bytes: '650',
    });

    // A reboot while stopped shows in the uptime even though the counters grew past the old ones.
    const again = new CycleRecorder(db.pool);
    const rebooted = await again.record(
      devicesOf([device('AA:00:00:00:00:01', 5000, 5000, { uptime: 20 })]),
      minute(9),
    );
    expect(rebooted.tracked[0]?.delta).toEqual({
      kind: 'reset',
      rxDiff: 0n,
      txDiff: 0n,
      reason: 'uptime',
    });
    expect((await snapshotsOf('AA:00:00:00:00:01')).at(-1)).toEqual(row(5000, 5000, 0, 0, 1, 20));
    expect(await routerByMac('AA:00:00:00:00:01')).toMatchObject({ total_rx_bytes: '1300' });
  });

  it('keeps counters exact above 2^53 in the database and in memory', async () => {
    const recorder = new CycleRecorder(db.pool);
    const start = 2n ** 53n + 1n;
    await recorder.record(
      devicesOf([device('AA:00:00:00:00:02', start, 2n ** 63n - 10n)]),
      minute(0),
    );
    await recorder.record(
      devicesOf([device('AA:00:00:00:00:02', start + 2n, 2n ** 63n - 1n)]),
      minute(1),
    );
    const restarted = new CycleRecorder(db.pool);
    const cycle = await restarted.record(
      devicesOf([device('AA:00:00:00:00:02', String(start + 5n), String(2n ** 63n - 1n))]),
      minute(2),
    );
    expect(cycle.tracked[0]?.delta).toEqual({ kind: 'delta', rxDiff: 3n, txDiff: 0n });
    expect(await snapshotsOf('AA:00:00:00:00:02')).toEqual([
      row(String(start), String(2n ** 63n - 10n), 0, 0, 0),
      row(String(start + 2n), String(2n ** 63n - 1n), 2, 9, 0),
      row(String(start + 5n), String(2n ** 63n - 1n), 3, 0, 0),
    ]);
    expect(await routerByMac('AA:00:00:00:00:02')).toMatchObject({
      total_rx_bytes: String(start + 5n),
      total_tx_bytes: String(2n ** 63n - 1n),
    });
  });

  it('upserts and logs a device whose counters are bad, and records the others', async () => {
    const recorder = new CycleRecorder(db.pool);
    const parsed = parseDevicePayload([
      device('AA:00:00:00:00:03', -5, 10, { ip: '10.1.1.1', xput_down: 5 }),
      device('AA:00:00:00:00:04', 10, 10),
      { name: 'No MAC at all', rx_bytes: 1, tx_bytes: 1 },
    ]);
    const cycle = await recorder.record(parsed.devices, minute(0));
    expect(cycle.tracked.map((t) => t.identity.mac)).toEqual(['AA:00:00:00:00:04']);
    expect(cycle.untracked.map((r) => r.mac)).toEqual(['AA:00:00:00:00:03']);
    expect(await routerByMac('AA:00:00:00:00:03')).toMatchObject({
      ip_address: '10.1.1.1',
      total_rx_bytes: '0',
    });
    expect(await snapshotsOf('AA:00:00:00:00:03')).toEqual([]);
    const [count] = await db.rows<{ n: string }>('SELECT COUNT(*) AS n FROM routers');
    expect(count?.n).toBe('2');
    const [logs] = await db.rows<{ n: string }>('SELECT COUNT(*) AS n FROM bandwidth_logs');
    expect(logs?.n).toBe('2');
  });

  it('stores names with quotes, SQL, HTML and emoji verbatim, and updates a renamed router in place', async () => {
    const names = [
      `O'Brien's "AP"`,
      `x'); DROP TABLE routers; --`,
      '<img src=x onerror=alert(1)>',
      'Café 📡🔥',
    ];
    const recorder = new CycleRecorder(db.pool);
    await recorder.record(
      devicesOf(names.map((name, i) => ({ ...device(`AA:00:00:00:01:0${i}`, 1, 1), name }))),
      minute(0),
    );
    const stored = await db.rows<{ name: string }>('SELECT name FROM routers ORDER BY mac_address');
    expect(stored.map((r) => r.name)).toEqual(names);

    await recorder.record(
      devicesOf([{ ...device('aa-00-00-00-01-00', 2, 2), name: 'Renamed' }]),
      minute(1),
    );
    expect(await routerByMac('AA:00:00:00:01:00')).toMatchObject({
      name: 'Renamed',
      total_rx_bytes: '2',
    });
  });

  it('rolls a failed cycle back and counts its traffic at the next cycle that saves', async () => {
    const recorder = new CycleRecorder(db.pool);
    await recorder.record(devicesOf([device('AA:00:00:00:00:05', 100, 100)]), minute(0));
    await db.pool.query('RENAME TABLE bandwidth_logs TO bandwidth_logs_away');
    await expect(
      recorder.record(devicesOf([device('AA:00:00:00:00:05', 600, 300)]), minute(1)),
    ).rejects.toThrow(/bandwidth_logs/);
    await db.pool.query('RENAME TABLE bandwidth_logs_away TO bandwidth_logs');
    expect(await snapshotsOf('AA:00:00:00:00:05')).toHaveLength(1);

    const cycle = await recorder.record(
      devicesOf([device('AA:00:00:00:00:05', 900, 400)]),
      minute(2),
    );
    expect(cycle.tracked[0]?.delta).toEqual({ kind: 'delta', rxDiff: 800n, txDiff: 300n });
    expect(await routerByMac('AA:00:00:00:00:05')).toMatchObject({
      total_rx_bytes: '900',
      total_tx_bytes: '400',
    });
  });

  it('records nothing and opens no transaction for an empty device list', async () => {
    const recorder = new CycleRecorder(db.pool);
    expect(await recorder.record([], minute(0))).toMatchObject({ tracked: [], roundTrips: 0 });
  });
});

function row(
  rx: number | string,
  tx: number | string,
  rxDiff: number,
  txDiff: number,
  reset: number,
  uptime: number | null = null,
) {
  return {
    rx_bytes_total: String(rx),
    tx_bytes_total: String(tx),
    rx_bytes_diff: String(rxDiff),
    tx_bytes_diff: String(txDiff),
    is_reset: reset,
    uptime: uptime === null ? null : String(uptime),
  };
}

describe('router ids', () => {
  it('are not burnt by repeated cycles (no upsert on routers after the first sight)', async () => {
    const recorder = new CycleRecorder(db.pool);
    for (let i = 0; i < 5; i += 1) {
      await recorder.record(
        devicesOf([device('AA:00:00:00:09:01', i, i), device('AA:00:00:00:09:02', i, i)]),
        minute(i),
      );
    }
    await new CycleRecorder(db.pool).record(
      devicesOf([device('AA:00:00:00:09:03', 1, 1)]),
      minute(9),
    );
    const ids = await db.rows<{ id: number }>('SELECT id FROM routers ORDER BY id');
    expect(ids.map((r) => r.id)).toEqual([1, 2, 3]);
  });
});

describe('CycleRecorder with oversized text', () => {
  it('clips names and addresses to their columns instead of losing the cycle', async () => {
    const db = await createTestDatabase();
    try {
      await migrate(db.pool);
      const long = '🛰️'.repeat(300);
      const { devices } = parseDevicePayload([
        {
          name: long,
          mac: 'AA:00:00:00:00:09',
          ip: 'x'.repeat(80),
          location: long,
          rx_bytes: 5,
          tx_bytes: 6,
        },
      ]);
      await new CycleRecorder(db.pool).record(devices, new Date('2026-03-01T10:00:00Z'));
      const [row] = await db.rows<{ n: number; ip: number }>(
        'SELECT CHAR_LENGTH(name) AS n, CHAR_LENGTH(ip_address) AS ip FROM routers',
      );
      expect(row).toEqual({ n: 255, ip: 45 });
    } finally {
      await db.drop();
    }
  });
});
