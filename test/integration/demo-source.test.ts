import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { migrate } from '../../electron/core/db/migrate';
import { DEMO_DEVICES, rebootsBetween } from '../../electron/core/sources/demo-network';
import { createDemoSource } from '../../electron/core/sources/demo-source';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
});
afterEach(async () => {
  await db.drop();
});

describe('demo network', () => {
  it('is counted exactly as its ground truth over a simulated day of one-minute polls', async () => {
    // A day with two scheduled reboots (Gateway 00:41:18, Office Switch 15:11:43 UTC).
    const dayStart = Date.parse('2026-03-04T00:00:00Z');
    let clock = dayStart;
    const demo = createDemoSource({ now: () => new Date(clock) });
    const recorder = new CycleRecorder(db.pool);
    const listed: number[] = [];
    const gardenSeen: boolean[] = [];
    for (let minute = 0; minute < 24 * 60; minute += 1) {
      const { devices, problems } = await demo.fetchDevices();
      expect(problems).toEqual([]);
      listed.push(devices.length);
      gardenSeen.push(devices.some((d) => d.identity.name === 'Garden AP'));
      await recorder.record(devices, new Date(clock));
      clock += 60_000;
    }
    // A dozen devices; the garden AP drops off for an hour (02:00–03:00) and comes back.
    expect(Math.max(...listed)).toBe(12);
    expect(gardenSeen.slice(0, 120).every(Boolean)).toBe(true);
    expect(gardenSeen.slice(120, 180).some(Boolean)).toBe(false);
    expect(gardenSeen.slice(180).every(Boolean)).toBe(true);

    const stored = await db.rows<Record<string, string>>(
      `SELECT r.mac_address AS mac, r.total_rx_bytes AS total_rx, r.total_tx_bytes AS total_tx,
              SUM(s.rx_bytes_diff) AS rx, SUM(s.tx_bytes_diff) AS tx, SUM(s.is_reset) AS resets
         FROM routers r JOIN bandwidth_snapshots s ON s.router_id = r.id GROUP BY r.id`,
    );
    const byMac = new Map(stored.map((row) => [row.mac, row]));
    const truth = demo.truth();
    expect(truth).toHaveLength(12);
    let counted = 0n;
    let discarded = 0n;
    for (const device of truth) {
      const row = byMac.get(device.mac);
      expect({
        name: device.name,
        rx: row?.rx,
        tx: row?.tx,
        totalRx: row?.total_rx,
        totalTx: row?.total_tx,
        resets: Number(row?.resets),
      }).toEqual({
        name: device.name,
        rx: String(device.countedRx),
        tx: String(device.countedTx),
        totalRx: String(device.firstRx + device.countedRx),
        totalTx: String(device.firstTx + device.countedTx),
        resets: device.reboots,
      });
      counted += device.countedRx + device.countedTx;
      discarded += device.discardedRx + device.discardedTx;
    }
    const reboots = truth.reduce((sum, d) => sum + d.reboots, 0);
    // A realistic day moves gigabytes and sees its scheduled reboots, each one flagged.
    expect(counted).toBeGreaterThan(10n ** 10n);
    const scheduled = DEMO_DEVICES.flatMap((d) =>
      rebootsBetween(d, dayStart, clock - 60_000).map(() => d.name),
    );
    expect(scheduled).toEqual(['Gateway', 'Office Switch']);
    expect(reboots).toBe(scheduled.length);
    console.log(
      `demo day: ${counted} bytes counted as the truth says, ${reboots} reboot(s), ${discarded} bytes discarded by the reset rule by design`,
    );
  }, 60_000);
});

describe('demo network as a function of the clock', () => {
  it('answers the same at the same instant, whichever copy asks', async () => {
    const at = Date.parse('2026-06-10T13:37:00Z');
    const one = await createDemoSource({ now: () => new Date(at) }).fetchDevices();
    const other = await createDemoSource({ now: () => new Date(at) }).fetchDevices();
    expect(other).toEqual(one);
    expect(one.devices).toHaveLength(12);
  });

  it('continues across a restart: a new copy an hour later records deltas, not resets', async () => {
    // A stretch with no scheduled reboot, so any reset would be a fake one.
    const start = Date.parse('2026-06-10T10:00:00Z');
    const end = start + 3_600_000;
    expect(DEMO_DEVICES.flatMap((d) => rebootsBetween(d, start, end))).toEqual([]);
    const first = createDemoSource({ now: () => new Date(start) });
    await new CycleRecorder(db.pool).record((await first.fetchDevices()).devices, new Date(start));
    // The app was closed for an hour; a fresh process polls the same network again.
    const second = createDemoSource({ now: () => new Date(end) });
    const cycle = await new CycleRecorder(db.pool).record(
      (await second.fetchDevices()).devices,
      new Date(end),
    );
    expect(cycle.tracked.map((t) => t.delta.kind)).toEqual(Array(12).fill('delta'));
    const [row] = await db.rows<{ resets: string }>(
      'SELECT SUM(is_reset) AS resets FROM bandwidth_snapshots',
    );
    expect(Number(row?.resets)).toBe(0);
  });
});
