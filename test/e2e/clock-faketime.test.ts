// The real collector process under libfaketime: its wall clock is stepped while it runs (the
// monotonic clock left alone, as on a real machine), against MariaDB and a scripted device
// network that knows exactly what traffic it produced. Each scenario ends with the database's
// totals and snapshot diffs equal to that traffic, byte for byte.
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryHistory } from '../../electron/core/history-query';
import { type CollectorRun, startCollector } from '../support/collector-process';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { ScriptedNetwork } from '../support/scripted-network';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const missing = existsSync(LIBFAKETIME)
  ? null
  : `libfaketime is not installed (${LIBFAKETIME}): apt-get install faketime`;
const HOUR = 3_600;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bt-faketime-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Scenario {
  db: TestDatabase;
  network: ScriptedNetwork;
  devices: DeviceServer;
  /** Request times (ms, this process's clock), to see that polling neither stalls nor rushes. */
  times: number[];
  /** Sets the collector's wall clock offset, in libfaketime's format (`-3600`, `+86400`). */
  setOffset(offset: string): void;
  run: CollectorRun;
}

async function start(
  ctx: { skip: (note: string) => void },
  name: string,
  options: { routers?: number; startOffset?: string; timeZone?: string } = {},
): Promise<Scenario> {
  if (missing !== null) {
    ctx.skip(`clock tests need libfaketime: ${missing}`);
    throw new Error('unreachable');
  }
  const db = await createTestDatabase();
  const network = new ScriptedNetwork(options.routers ?? 6);
  const times: number[] = [];
  const devices = await startDeviceServer(() => {
    times.push(performance.now());
    return network.respond();
  });
  const offsetFile = join(dir, `${name}.faketime`);
  // Replaced, not rewritten: the collector reads the file on every clock call.
  const setOffset = (offset: string) => {
    writeFileSync(`${offsetFile}.tmp`, `${offset}\n`);
    renameSync(`${offsetFile}.tmp`, offsetFile);
  };
  setOffset(options.startOffset ?? '+0');
  const run = startCollector(
    [
      '--api-url',
      devices.url,
      '--mysql-url',
      db.url,
      '--interval',
      '0.1',
      '--timeout',
      '2',
      '--quiet',
    ],
    {
      LD_PRELOAD: LIBFAKETIME,
      FAKETIME_TIMESTAMP_FILE: offsetFile,
      FAKETIME_NO_CACHE: '1',
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
      ...(options.timeZone === undefined ? {} : { TZ: options.timeZone }),
    },
  );
  return { db, network, devices, times, setOffset, run };
}

/** Traffic stops, the collector takes three more readings, then stops cleanly. */
async function settleAndStop(s: Scenario): Promise<void> {
  s.network.settle();
  const served = s.network.served;
  await until('three readings after the traffic stopped', () => s.network.served >= served + 3);
  await until('them written', async () => {
    const [row] = await s.db.rows<{ n: string }>('SELECT COUNT(*) AS n FROM poll_cycles');
    return Number(row?.n) >= served + 3;
  });
  s.run.child.kill('SIGTERM');
  expect(await s.run.exited).toBe(0);
}

async function finish(s: Scenario): Promise<void> {
  s.run.child.kill('SIGKILL');
  await s.devices.close();
  await s.db.drop();
}

/** Totals and snapshot diffs per router equal the traffic produced; every reboot flagged once. */
async function expectExact(s: Scenario, label: string): Promise<void> {
  const rows = await s.db.rows<Record<string, string>>(
    `SELECT r.mac_address AS mac, r.total_rx_bytes AS totalRx, r.total_tx_bytes AS totalTx,
            SUM(sn.rx_bytes_diff) AS rx, SUM(sn.tx_bytes_diff) AS tx, SUM(sn.is_reset) AS resets,
            SUM(sn.is_glitch) AS glitches
       FROM routers r JOIN bandwidth_snapshots sn ON sn.router_id = r.id
      GROUP BY r.id ORDER BY r.mac_address`,
  );
  const truth = s.network.truth();
  expect(rows).toEqual(
    truth.map((t) => ({
      mac: t.mac,
      totalRx: String(t.rx),
      totalTx: String(t.tx),
      rx: String(t.rx),
      tx: String(t.tx),
      resets: String(t.reboots),
      glitches: '0',
    })),
  );
  const served = truth.reduce((sum, t) => sum + t.rx + t.tx, 0n);
  const counted = rows.reduce((sum, r) => sum + BigInt(r.rx ?? 0) + BigInt(r.tx ?? 0), 0n);
  console.log(
    `faketime scenario | ${label} | ${s.network.served} readings | served ${served} B | counted ${counted} B | lost ${served - counted > 0n ? served - counted : 0n} | doubled ${counted - served > 0n ? counted - served : 0n}`,
  );
}

/** The longest gap between two polls from request `from` on, in ms. */
function longestGap(times: number[], from: number): number {
  let longest = 0;
  for (let i = Math.max(from, 1); i < times.length; i += 1) {
    longest = Math.max(longest, (times[i] ?? 0) - (times[i - 1] ?? 0));
  }
  return longest;
}

describe('the collector process under libfaketime', () => {
  it('keeps polling every interval and counts every reading when the clock steps back 1 hour', async (ctx) => {
    const s = await start(ctx, 'back');
    try {
      await until('20 polls', () => s.network.served >= 20);
      const stepAt = s.times.length;
      s.setOffset(`-${HOUR}`);
      await until('40 more polls', () => s.network.served >= stepAt + 40, 20_000);
      await s.run.waitFor(/🕰️ The system clock went back 1 h 00 min;/);
      // Not an hour's stall: polls go on at 0.1 s (allowing for a loaded machine).
      expect(longestGap(s.times, stepAt - 2)).toBeLessThan(1_500);
      await settleAndStop(s);
      expect(s.run.stdout.match(/🕰️/g)).toHaveLength(1);
      await expectExact(s, 'wall clock back 1 h');
    } finally {
      await finish(s);
    }
  }, 90_000);

  it('sees no reboot when the clock jumps a day ahead for two polls and back', async (ctx) => {
    const s = await start(ctx, 'day');
    try {
      await until('20 polls', () => s.network.served >= 20);
      s.devices.respondWith(() => {
        s.times.push(performance.now());
        // The step lands between fetches: this poll and the next are stamped a day ahead.
        if (s.network.served === 25) s.setOffset('+86400');
        if (s.network.served === 27) s.setOffset('+0');
        return s.network.respond();
      });
      await until('60 polls', () => s.network.served >= 60, 20_000);
      await settleAndStop(s);
      expect(s.run.stdout).toMatch(/The system clock moved forward 24 h 00 min/);
      expect(s.run.stdout).toMatch(/The system clock went back 24 h 00 min/);
      await expectExact(s, 'wall clock +1 day for two polls, then back');
    } finally {
      await finish(s);
    }
  }, 90_000);

  it('counts 8 hours of traffic after a sleep of 8 hours (wall +8 h, monotonic one interval)', async (ctx) => {
    const s = await start(ctx, 'sleep');
    try {
      await until('20 polls', () => s.network.served >= 20);
      s.devices.respondWith(() => {
        s.times.push(performance.now());
        if (s.network.served === 25) {
          // Resumed: the wall clock and the devices moved on 8 hours; the monotonic clock did
          // not. 50 MB/s for 8 hours is 1.44 TB per router, far past 10 Gbps for one interval.
          s.setOffset(`+${8 * HOUR}`);
          s.network.elapse(8 * HOUR, 50_000_000n);
        }
        return s.network.respond();
      });
      await until('50 polls', () => s.network.served >= 50, 20_000);
      await settleAndStop(s);
      expect(s.run.stdout).toMatch(
        /moved forward 8 h 00 min \(set ahead, or this computer slept\)/,
      );
      await expectExact(s, 'sleep 8 h: wall +8 h, monotonic +1 interval, counters and uptime +8 h');
    } finally {
      await finish(s);
    }
  }, 90_000);

  it('keeps exact local hours across the DST change of the viewer’s zone (Europe/Paris)', async (ctx) => {
    const s = await start(ctx, 'dst', { timeZone: 'Europe/Paris' });
    try {
      s.devices.respondWith(() => {
        s.times.push(performance.now());
        // From the second poll on (the traffic starts at the third), the clock reads 5 s
        // before 01:00 UTC on 25 October 2026, when Paris goes from 02:59:59 CEST back to
        // 02:00:00 CET.
        if (s.network.served === 1) {
          s.setOffset(String(Math.round((Date.parse('2026-10-25T00:59:55Z') - Date.now()) / 1000)));
        }
        return s.network.respond();
      });
      await until('100 polls', () => s.network.served >= 100, 30_000);
      await settleAndStop(s);
      await expectExact(s, 'DST change in Europe/Paris');
      const history = await queryHistory(
        s.db.pool,
        {
          range: 'custom',
          from: '2026-10-25',
          to: '2026-10-25',
          routerIds: [],
          timeZone: 'Europe/Paris',
        },
        new Date('2026-10-26T00:00:00Z'),
      );
      expect(history.bucketStarts).toHaveLength(25);
      const perHour = new Map<string, bigint>();
      for (const b of history.buckets) {
        perHour.set(b.start, (perHour.get(b.start) ?? 0n) + BigInt(b.rxBytes) + BigInt(b.txBytes));
      }
      // Both local 02:00 hours hold polls, and together they hold every byte produced.
      expect([...perHour.keys()].sort()).toEqual([
        '2026-10-25T00:00:00.000Z',
        '2026-10-25T01:00:00.000Z',
      ]);
      const produced = s.network.truth().reduce((sum, t) => sum + t.rx + t.tx, 0n);
      expect([...perHour.values()].reduce((a, b) => a + b, 0n)).toBe(produced);
    } finally {
      await finish(s);
    }
  }, 90_000);
});
