// Clock steps, sleep and a DST change, with injected wall and monotonic clocks, the real
// poller and recorder, a real HTTP device API and MariaDB. Each scenario ends with the bytes
// counted equal to the bytes served.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { describeMysqlError } from '../../electron/core/db/connection';
import { migrate } from '../../electron/core/db/migrate';
import { queryHistory } from '../../electron/core/history-query';
import { Poller } from '../../electron/core/poller';
import { createSeedApiSource } from '../../electron/core/sources/seed-api-source';
import { ClockWorld } from '../support/clock-world';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let server: DeviceServer;
beforeEach(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
  server = await startDeviceServer(() => ({ devices: [] }));
});
afterEach(async () => {
  await server.close();
  await db.drop();
});

const HOUR = 3_600;
const DAY = 86_400;

function setup(world: ClockWorld) {
  server.respondWith(world.respond);
  const lines: string[] = [];
  const poller = new Poller({
    source: createSeedApiSource({ apiUrl: server.url, timeoutMs: 2_000 }),
    recorder: new CycleRecorder(db.pool),
    intervalMs: 60_000,
    describeDatabaseError: (error) => describeMysqlError(error, db.settings),
    now: world.wall,
    monotonic: world.monotonic,
    log: (line) => lines.push(line),
    quiet: true,
  });
  return { poller, lines };
}

/** Counted, served, lost and doubled bytes, and every flag the database holds. */
async function accounts(world: ClockWorld) {
  const [sums] = await db.rows<Record<string, string>>(
    `SELECT SUM(rx_bytes_diff) + SUM(tx_bytes_diff) AS counted, SUM(is_reset) AS resets,
            SUM(is_glitch) AS glitches, COUNT(*) AS snapshots FROM bandwidth_snapshots`,
  );
  const [hourly] = await db.rows<Record<string, string>>(
    'SELECT SUM(rx_bytes) + SUM(tx_bytes) AS counted FROM bandwidth_hourly',
  );
  const counted = BigInt(sums?.counted ?? 0);
  const served = world.served();
  return {
    served,
    counted,
    lost: served > counted ? served - counted : 0n,
    doubled: counted > served ? counted - served : 0n,
    hourly: BigInt(hourly?.counted ?? 0),
    resets: Number(sums?.resets),
    glitches: Number(sums?.glitches),
    snapshots: Number(sums?.snapshots),
  };
}

async function expectExact(world: ClockWorld, label: string, polls: number) {
  const a = await accounts(world);
  expect({ ...a, served: String(a.served), counted: String(a.counted) }).toEqual({
    ...a,
    served: String(a.served),
    counted: String(a.served),
    lost: 0n,
    doubled: 0n,
    hourly: a.served,
    resets: 0,
    glitches: 0,
    snapshots: polls * 3,
  });
  // The row of the table the issue asks for.
  console.log(
    `clock scenario | ${label} | served ${a.served} B | counted ${a.counted} B | lost ${a.lost} | doubled ${a.doubled}`,
  );
}

/** One poll a minute: time passes, then the poller polls. */
async function pollMinutes(
  world: ClockWorld,
  poller: Poller,
  count: number,
  before?: (i: number) => void,
) {
  for (let i = 0; i < count; i += 1) {
    world.advance(60);
    before?.(i);
    expect((await poller.pollOnce()).kind).toBe('recorded');
  }
}

describe('clock steps and sleep, injected clocks, real recorder and MariaDB', () => {
  it('counts every poll when the wall clock steps back an hour, and says so once', async () => {
    const world = new ClockWorld(new Date('2026-11-27T10:00:00Z'));
    const { poller, lines } = setup(world);
    await poller.pollOnce();
    await pollMinutes(world, poller, 120, (i) => {
      if (i === 30) world.wallOffset = -HOUR;
    });
    await expectExact(world, 'wall clock back 1 h', 121);
    const steps = lines.filter((l) => l.includes('🕰️'));
    expect(steps).toHaveLength(1);
    expect(steps[0]).toContain('The system clock went back 1 h 00 min;');
    // Snapshots keep the wall time: the hour after the step is dated an hour earlier.
    const [range] = await db.rows<{ first: Date; last: Date }>(
      'SELECT MIN(timestamp) AS first, MAX(timestamp) AS last FROM bandwidth_snapshots',
    );
    expect(range?.first.toISOString()).toBe('2026-11-27T09:31:00.000Z');
    expect(range?.last.toISOString()).toBe('2026-11-27T11:00:00.000Z');
  });

  it('sees no reboot and no glitch when the wall clock jumps a day ahead for two polls and back', async () => {
    const world = new ClockWorld(new Date('2026-11-27T10:00:00Z'));
    const { poller, lines } = setup(world);
    await poller.pollOnce();
    await pollMinutes(world, poller, 90, (i) => {
      if (i === 30) world.wallOffset = DAY;
      if (i === 32) world.wallOffset = 0;
    });
    await expectExact(world, 'wall clock +1 day for two polls, then back', 91);
    expect(lines.filter((l) => l.includes('🕰️'))).toEqual([
      expect.stringContaining('The system clock moved forward 24 h 00 min'),
      expect.stringContaining('The system clock went back 24 h 00 min'),
    ]);
  });

  it('counts 8 hours of traffic in one poll after the machine slept 8 hours', async () => {
    const world = new ClockWorld(new Date('2026-11-27T10:00:00Z'));
    const { poller, lines } = setup(world);
    await poller.pollOnce();
    await pollMinutes(world, poller, 60, (i) => {
      // Asleep from 8 hours ago until this poll: wall clock, uptime and counters moved 8 h,
      // the monotonic clock one interval.
      if (i === 20) world.advance(8 * HOUR, { asleep: true });
    });
    await expectExact(world, 'sleep 8 h (wall +8 h, monotonic +1 poll)', 61);
    expect(lines.filter((l) => l.includes('🕰️'))).toEqual([
      expect.stringContaining('moved forward 8 h 00 min (set ahead, or this computer slept)'),
    ]);
  });

  it('keeps exact local days across the DST change in the viewer’s zone', async () => {
    // Europe/Paris leaves summer time at 01:00 UTC on 25 October 2026: 02:00–03:00 twice.
    const world = new ClockWorld(new Date('2026-10-25T00:00:00Z'));
    const { poller } = setup(world);
    await poller.pollOnce();
    await pollMinutes(world, poller, 150);
    await expectExact(world, 'DST change in Europe/Paris', 151);
    const history = await queryHistory(
      db.pool,
      {
        range: 'custom',
        from: '2026-10-25',
        to: '2026-10-25',
        routerIds: [],
        timeZone: 'Europe/Paris',
      },
      world.wall(),
    );
    // The local day has 25 hours, and the buckets hold every byte counted.
    expect(history.bucketStarts).toHaveLength(25);
    const inBuckets = history.buckets.reduce(
      (sum, b) => sum + BigInt(b.rxBytes) + BigInt(b.txBytes),
      0n,
    );
    expect(inBuckets).toBe(world.served());
    const starts = history.buckets.map((b) => b.start);
    // Both 02:00 local hours (CEST, then CET) hold traffic.
    expect(starts).toContain('2026-10-25T00:00:00.000Z');
    expect(starts).toContain('2026-10-25T01:00:00.000Z');
  });

  it('waits by the monotonic clock: a step back during a cycle neither stalls nor rushes polling', async () => {
    const world = new ClockWorld(new Date('2026-11-27T10:00:00Z'));
    server.respondWith(() => {
      // The fetch takes 2 s of real time, and NTP steps the wall clock back an hour meanwhile.
      world.advance(2);
      if (server.requests === 3) world.wallOffset -= HOUR;
      return world.respond();
    });
    const waits: number[] = [];
    const poller = new Poller({
      source: createSeedApiSource({ apiUrl: server.url, timeoutMs: 2_000 }),
      recorder: new CycleRecorder(db.pool),
      intervalMs: 60_000,
      describeDatabaseError: (error) => describeMysqlError(error, db.settings),
      now: world.wall,
      monotonic: world.monotonic,
      log: () => {},
      sleep: async (ms) => {
        waits.push(ms);
        world.advance(ms / 1000);
      },
    });
    expect(await poller.run({ cycles: 6 })).toBe(6);
    // Fixed rate on the monotonic clock: every wait is the interval less the 2 s fetch.
    expect(waits).toEqual([58_000, 58_000, 58_000, 58_000, 58_000]);
  });
});
