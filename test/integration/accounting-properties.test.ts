// The accounting invariants through the real parser, recorder and MariaDB, for arbitrary
// sequences of polls: devices appearing and disappearing, duplicate MACs, bad fields,
// counters going up and down in any order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { migrate } from '../../electron/core/db/migrate';
import { parseJsonExact } from '../../electron/core/exact-json';
import { MAX_COUNTER, parseDevicePayload } from '../../electron/core/payload';
import { toJson } from '../support/device-server';
import { createTestDatabase } from '../support/test-database';

const MACS = ['AA:00:00:00:00:01', 'AA:00:00:00:00:02', 'AA:00:00:00:00:03'];

const counter = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 9n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: MAX_COUNTER }) },
  { weight: 1, arbitrary: fc.constantFrom(-1n, MAX_COUNTER + 1n, 'x', null) },
);

const polls = fc.array(
  fc.record({
    seconds: fc.integer({ min: 1, max: 600 }),
    devices: fc.array(
      fc.record({
        mac: fc.constantFrom(...MACS),
        rx_bytes: counter,
        tx_bytes: counter,
        uptime: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 1_000_000 })),
      }),
      { maxLength: 5 },
    ),
  }),
  { minLength: 1, maxLength: 10 },
);

describe('accounting, arbitrary polls through MariaDB', () => {
  it('keeps totals = first counters + snapshot diffs, never negative, every counter drop flagged (reboot, counter restart or glitch)', async () => {
    const db = await createTestDatabase();
    try {
      await migrate(db.pool);
      let run = 0;
      await fc.assert(
        fc.asyncProperty(polls, async (sequence) => {
          run += 1;
          // Each run (shrinking included) its own routers: the MAC's first two bytes are the run.
          const hex = run.toString(16).padStart(4, '0').toUpperCase();
          const prefix = `${hex.slice(0, 2)}:${hex.slice(2)}`;
          const recorder = new CycleRecorder(db.pool);
          const first = new Map<string, bigint>();
          let previous = new Map<string, bigint>();
          const drops = new Map<string, number>();
          let time = Date.UTC(2026, 0, 1) + run * 86_400_000;
          for (const { seconds, devices } of sequence) {
            time += seconds * 1000;
            const body = devices.map((d) => ({ ...d, mac: `${prefix}${d.mac.slice(5)}` }));
            const parsed = parseDevicePayload(parseJsonExact(toJson(body)));
            await recorder.record(parsed.devices, new Date(time));
            const now = new Map<string, bigint>();
            for (const { identity, counters } of parsed.devices) {
              if (counters === null) continue;
              now.set(identity.mac, counters.rxBytes);
              if (!first.has(identity.mac)) first.set(identity.mac, counters.rxBytes);
              const before = previous.get(identity.mac);
              if (before !== undefined && counters.rxBytes < before) {
                drops.set(identity.mac, (drops.get(identity.mac) ?? 0) + 1);
              }
            }
            previous = new Map([...previous, ...now]);
          }
          const rows = await db.rows<Record<string, string>>(
            `SELECT r.mac_address AS mac, r.total_rx_bytes AS total, COALESCE(SUM(s.rx_bytes_diff), 0) AS diffs,
                    COALESCE(MIN(s.rx_bytes_diff), 0) AS smallest, COALESCE(SUM(s.is_reset OR s.is_counter_reset OR s.is_glitch), 0) AS resets,
                    COUNT(s.id) AS snapshots
               FROM routers r LEFT JOIN bandwidth_snapshots s ON s.router_id = r.id
              WHERE r.mac_address LIKE ? GROUP BY r.id`,
            [`${prefix}:%`],
          );
          for (const row of rows) {
            const start = first.get(String(row.mac)) ?? 0n;
            expect(BigInt(String(row.total))).toBe(start + BigInt(String(row.diffs)));
            expect(BigInt(String(row.smallest)) >= 0n).toBe(true);
            // Every drop of the rx counter is flagged: a reboot, or a counter restart when the
            // uptime moved on, or a glitch when what the restarted counters hold is faster than
            // any link (uptime may flag more).
            expect(Number(row.resets)).toBeGreaterThanOrEqual(drops.get(String(row.mac)) ?? 0);
          }
        }),
        { numRuns: 40 },
      );
    } finally {
      await db.drop();
    }
  }, 120_000);
});
