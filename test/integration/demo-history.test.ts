import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { migrate } from '../../electron/core/db/migrate';
import { DEFAULT_TIERS, demoPollTimes, fillDemoHistory } from '../../electron/core/demo-history';
import { parseDevicePayload } from '../../electron/core/payload';
import {
  DEMO_DEVICES,
  FLAKY_DEVICE,
  isListed,
  rebootsBetween,
} from '../../electron/core/sources/demo-network';
import { DemoTruthLedger, demoPayloadAt } from '../../electron/core/sources/demo-source';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
});
afterEach(async () => {
  await db.drop();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('demo history filled on first start', () => {
  it('records what live polling would have: rollups equal the truth, resets at the reboots, old raw rows pruned', async () => {
    const now = new Date('2026-11-27T15:07:00Z');
    const days = 35;
    const lines: string[] = [];
    const result = await fillDemoHistory(db.pool, { now, days, log: (l) => lines.push(l) });
    expect(result).not.toBeNull();
    expect(lines[0]).toMatch(/^Filling the DEMO history: [\d,]+ simulated polls from 2026-10-23/);
    expect(
      lines.filter((l) => /^Filling the DEMO history: \d+ % \(up to /.test(l)).length,
    ).toBeGreaterThan(3);
    expect(lines.at(-1)).toMatch(/^Filled the DEMO history: [\d,]+ simulated polls in [\d.]+ s/);

    // The truth of the same simulated polls, kept by the demo itself.
    const times = demoPollTimes(now.getTime(), days, DEFAULT_TIERS);
    expect(result?.cycles).toBe(times.length);
    const ledger = new DemoTruthLedger();
    const resetHours = new Map<string, string[]>();
    const lastListed = new Map<string, number>();
    for (const ms of times) {
      for (const device of DEMO_DEVICES) {
        if (!isListed(device, ms)) continue;
        ledger.observe(device, ms);
        const last = lastListed.get(device.mac);
        if (last !== undefined && rebootsBetween(device, last, ms).length > 0) {
          const hours = resetHours.get(device.mac) ?? [];
          hours.push(new Date(Math.floor(ms / HOUR) * HOUR).toISOString());
          resetHours.set(device.mac, hours);
        }
        lastListed.set(device.mac, ms);
      }
    }
    const truth = ledger.truth();
    expect(truth).toHaveLength(12);
    // Each router was first seen when the filled history starts, not when the fill ran.
    const created = await db.rows<{ at: Date }>('SELECT created_at AS at FROM routers');
    expect(created).toHaveLength(12);
    expect(new Set(created.map((r) => r.at.toISOString()))).toEqual(
      new Set([new Date(times[0] ?? 0).toISOString()]),
    );

    const perRouter = async (table: string) =>
      new Map(
        (
          await db.rows<{ mac: string; rx: string; tx: string; resets: string }>(
            `SELECT r.mac_address AS mac, SUM(t.rx_bytes) AS rx, SUM(t.tx_bytes) AS tx, SUM(t.resets) AS resets
               FROM ${table} t JOIN routers r ON r.id = t.router_id GROUP BY r.mac_address`,
          )
        ).map((row) => [row.mac, row]),
      );
    // Each simulated poll is booked in the hour it stands for: within the hourly and finer
    // tiers no hour covers more than an hour (none reads as "an average over a gap"), except
    // the flaky AP's, whose first poll back covers its outage too.
    const [widest] = await db.rows<{ covered: string }>(
      `SELECT MAX(h.covered_seconds) AS covered FROM bandwidth_hourly h
         JOIN routers r ON r.id = h.router_id WHERE h.hour_start >= ? AND r.name <> ?`,
      [new Date(now.getTime() - 29 * 24 * HOUR), FLAKY_DEVICE],
    );
    expect(Number(widest?.covered)).toBeLessThanOrEqual(3600);
    const hourly = await perRouter('bandwidth_hourly');
    const daily = await perRouter('bandwidth_daily');
    const monthly = await perRouter('bandwidth_monthly');
    const routers = new Map(
      (
        await db.rows<{ mac: string; total_rx: string; total_tx: string }>(
          'SELECT mac_address AS mac, total_rx_bytes AS total_rx, total_tx_bytes AS total_tx FROM routers',
        )
      ).map((row) => [row.mac, row]),
    );
    let reboots = 0;
    for (const device of truth) {
      const expected = {
        rx: String(device.countedRx),
        tx: String(device.countedTx),
        resets: String(device.reboots),
      };
      for (const table of [hourly, daily, monthly]) {
        const row = table.get(device.mac);
        expect({ name: device.name, rx: row?.rx, tx: row?.tx, resets: row?.resets }).toEqual({
          name: device.name,
          ...expected,
        });
      }
      expect(routers.get(device.mac)).toEqual({
        mac: device.mac,
        total_rx: String(device.firstRx + device.countedRx),
        total_tx: String(device.firstTx + device.countedTx),
      });
      reboots += device.reboots;
    }
    // Five weeks of a dozen devices: a reboot every few days each.
    expect(reboots).toBeGreaterThan(30);

    // Each reset sits in the hour of the first poll after its scheduled reboot.
    const storedResets = await db.rows<{ mac: string; hour: Date }>(
      `SELECT r.mac_address AS mac, h.hour_start AS hour FROM bandwidth_hourly h
         JOIN routers r ON r.id = h.router_id WHERE h.resets > 0 ORDER BY r.mac_address, h.hour_start`,
    );
    const byMac = new Map<string, string[]>();
    for (const row of storedResets)
      byMac.set(row.mac, [...(byMac.get(row.mac) ?? []), row.hour.toISOString()]);
    expect(byMac).toEqual(resetHours);

    // Retention ran as it would have: no raw snapshot, log row or cycle id older than 30 days.
    const cutoff = new Date(now.getTime() - 30 * DAY);
    for (const [table, column] of [
      ['bandwidth_snapshots', 'timestamp'],
      ['bandwidth_logs', 'timestamp'],
      ['poll_cycles', 'recorded_at'],
    ] as const) {
      const [old] = await db.rows<{ n: string }>(
        `SELECT COUNT(*) AS n FROM ${table} WHERE ${column} < ?`,
        [cutoff],
      );
      expect(Number(old?.n), table).toBe(0);
    }
    const [kept] = await db.rows<{ n: string }>('SELECT COUNT(*) AS n FROM bandwidth_snapshots');
    const keptPolls = times.filter((t) => t >= cutoff.getTime());
    const listings = keptPolls.reduce(
      (sum, t) => sum + DEMO_DEVICES.filter((d) => isListed(d, t)).length,
      0,
    );
    expect(Number(kept?.n)).toBe(listings);

    // A second start finds the history there and leaves it alone.
    expect(await fillDemoHistory(db.pool, { now, days, log: () => {} })).toBeNull();

    // Live polling goes on from the last simulated poll: deltas, and a reset only for a reboot.
    const live = new Date(now.getTime() + 60_000);
    const cycle = await new CycleRecorder(db.pool).record(
      parseDevicePayload(demoPayloadAt(live.getTime())).devices,
      live,
    );
    const last = times.at(-1) ?? 0;
    for (const t of cycle.tracked) {
      const device = DEMO_DEVICES.find((d) => d.mac === t.identity.mac);
      expect(device).toBeDefined();
      if (device === undefined) continue;
      const rebooted = rebootsBetween(device, last, live.getTime()).length > 0;
      expect(t.delta.kind, device.name).toBe(rebooted ? 'reset' : 'delta');
    }
  }, 120_000);
});

describe('two demo copies starting together on an empty database', () => {
  it('fill it once: the second waits for the first, then finds the history there', async () => {
    const now = new Date('2026-11-27T15:07:00Z');
    const options = { now, days: 3, log: () => {} };
    const results = await Promise.all([
      fillDemoHistory(db.pool, options),
      fillDemoHistory(db.pool, options),
    ]);
    expect(results.filter((r) => r === null)).toHaveLength(1);
    const times = demoPollTimes(now.getTime(), 3, DEFAULT_TIERS);
    const [cycles] = await db.rows<{ n: string }>('SELECT COUNT(*) AS n FROM poll_cycles');
    expect(Number(cycles?.n)).toBe(times.length);
  }, 60_000);
});
