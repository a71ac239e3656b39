import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { describeMysqlError } from '../../electron/core/db/connection';
import { migrate } from '../../electron/core/db/migrate';
import { WriterLock, writerLockName } from '../../electron/core/db/writer-lock';
import { CycleJournal } from '../../electron/core/journal';
import { MAX_PROBLEM_LINES, Poller } from '../../electron/core/poller';
import { createSeedApiSource } from '../../electron/core/sources/seed-api-source';
import { designPayload, LIVING_ROOM } from '../support/design-timeline';
import {
  type DeviceResponse,
  type DeviceServer,
  startDeviceServer,
} from '../support/device-server';
import { adminConnection, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

let db: TestDatabase;
let server: DeviceServer;
let lines: string[];
let poller: Poller;

beforeEach(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
  server = await startDeviceServer((n) => ({ devices: designPayload(n) }));
  lines = [];
  poller = new Poller({
    source: createSeedApiSource({ apiUrl: server.url, timeoutMs: 300 }),
    recorder: new CycleRecorder(db.pool),
    intervalMs: 1000,
    describeDatabaseError: (error) => describeMysqlError(error, db.settings),
    log: (entry) => lines.push(...entry.split('\n')),
  });
});
afterEach(async () => {
  await server.close();
  await db.drop();
});

const failures: Array<[string, DeviceResponse, RegExp]> = [
  [
    'HTTP 500',
    { status: 500, body: 'boom' },
    /answered HTTP 500 Internal Server Error: check that server/,
  ],
  [
    'an HTML page',
    { status: 200, body: '<html><body>Login</body></html>' },
    /not JSON \(it starts with "<html><body>Login/,
  ],
  ['truncated JSON', { status: 200, body: '[{"mac": "AA:BB' }, /not JSON/],
  [
    'an object instead of a list',
    { status: 200, body: '{"devices": []}' },
    /unusable list: expected a JSON array of devices, got an object/,
  ],
  ['no answer', { hang: true }, /did not answer within 0.3 s/],
];

describe('Poller against a real HTTP device API and MariaDB', () => {
  it.each(failures)(
    'logs %s once per outage, keeps polling, and says when the source is back',
    async (_, failure, message) => {
      await poller.pollOnce();
      server.respondWith(() => failure);
      for (let i = 0; i < 3; i += 1) {
        expect((await poller.pollOnce()).kind).toBe('source-failed');
      }
      server.respondWith(() => ({ devices: designPayload(1) }));
      const back = await poller.pollOnce();
      expect(back.kind).toBe('recorded');

      const errors = lines.filter((line) => line.includes('❌'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(message);
      expect(errors[0]).toContain('Retrying with backoff, at most every 1 s.');
      expect(
        lines.filter((line) => line.includes('is back after 3 failed attempt(s)')),
      ).toHaveLength(1);
      // The traffic of the outage is counted once the source answers again.
      expect(
        lines.filter((l) => /📊 Living Room AP — RX \+1\.00 MB, TX \+500\.00 KB$/.test(l)),
      ).toHaveLength(1);
    },
  );

  it("writes a cycle's device lines and summary to the log in one write", async () => {
    const entries: string[] = [];
    const single = new Poller({
      source: createSeedApiSource({ apiUrl: server.url, timeoutMs: 300 }),
      recorder: new CycleRecorder(db.pool),
      intervalMs: 1000,
      describeDatabaseError: (error) => describeMysqlError(error, db.settings),
      log: (entry) => entries.push(entry),
    });
    await single.pollOnce();
    server.respondWith(() => ({ devices: designPayload(1) }));
    await single.pollOnce();
    const last = entries.at(-1) ?? '';
    expect(last.split('\n')).toEqual([
      expect.stringMatching(/📊 Living Room AP — RX \+1\.00 MB, TX \+500\.00 KB$/),
      '📈 Updated bandwidth tracking for 2 device(s)',
    ]);
  });

  it('says clearly when nothing listens at the API URL', async () => {
    await server.close();
    const outcome = await poller.pollOnce();
    expect(outcome.kind).toBe('source-failed');
    expect(lines[0]).toMatch(
      /Cannot reach the device API at http:\/\/127\.0\.0\.1:\d+\/api\/unifi\/devices \(ECONNREFUSED\): start the UniFi API server or check --api-url/,
    );
    server = await startDeviceServer(() => ({ devices: [] }));
  });

  it('names a bad device in a log line and records the rest of the cycle', async () => {
    server.respondWith(() => ({
      devices: [
        { name: 'Broken AP', mac: 'AA:00:00:00:00:09', rx_bytes: 'n/a', tx_bytes: 5 },
        ...designPayload(0),
      ],
    }));
    const outcome = await poller.pollOnce();
    expect(outcome.kind).toBe('recorded');
    expect(lines).toContainEqual(
      expect.stringMatching(
        /⚠️ Skipped Broken AP: rx_bytes is not an integer \("n\/a"\); not tracked this cycle$/,
      ),
    );
    expect(lines.at(-1)).toBe('📈 Updated bandwidth tracking for 2 device(s)');
    const [routers] = await db.rows<{ n: string }>('SELECT COUNT(*) AS n FROM routers');
    expect(routers?.n).toBe('3');
  });

  it('names at most MAX_PROBLEM_LINES bad devices a poll and counts the rest in one line', async () => {
    server.respondWith(() => ({
      devices: [...Array.from({ length: 5_000 }, () => 1), ...designPayload(0)],
    }));
    expect((await poller.pollOnce()).kind).toBe('recorded');
    const skipped = lines.filter((line) => line.includes('⚠️ Skipped'));
    expect(skipped).toHaveLength(MAX_PROBLEM_LINES + 1);
    expect(skipped.at(-1)).toMatch(
      new RegExp(
        `Skipped ${(5_000 - MAX_PROBLEM_LINES).toLocaleString('en-US')} more device\\(s\\) this poll`,
      ),
    );
    expect(lines.at(-1)).toBe('📈 Updated bandwidth tracking for 2 device(s)');
  });

  it('in quiet mode still says which router reset, without a line per counted device', async () => {
    const quiet = new Poller({
      source: createSeedApiSource({ apiUrl: server.url, timeoutMs: 300 }),
      recorder: new CycleRecorder(db.pool),
      intervalMs: 1000,
      describeDatabaseError: (error) => describeMysqlError(error, db.settings),
      log: (entry) => lines.push(...entry.split('\n')),
      quiet: true,
    });
    server.respondWith(() => ({ devices: designPayload(0) }));
    await quiet.pollOnce();
    server.respondWith(() => ({ devices: designPayload(1) }));
    await quiet.pollOnce();
    // The design timeline's fourth fetch: the Living Room AP rebooted (its counters went back).
    server.respondWith(() => ({ devices: designPayload(3) }));
    await quiet.pollOnce();
    expect(lines.filter((line) => line.includes('📊'))).toEqual([]);
    expect(lines.filter((line) => line.includes('🔄'))).toEqual([
      expect.stringContaining(`🔄 ${LIVING_ROOM.name} — counter reset`),
    ]);
    expect(lines.filter((line) => line.startsWith('📈'))).toHaveLength(3);
  });

  it('reports a database failure once and counts the traffic when the database is back', async () => {
    await poller.pollOnce();
    await db.pool.query('RENAME TABLE bandwidth_snapshots TO snapshots_away');
    expect((await poller.pollOnce()).kind).toBe('database-failed');
    expect((await poller.pollOnce()).kind).toBe('database-failed');
    await db.pool.query('RENAME TABLE snapshots_away TO bandwidth_snapshots');
    server.respondWith(() => ({ devices: designPayload(2) }));
    const outcome = await poller.pollOnce();
    expect(outcome.kind).toBe('recorded');
    const errors = lines.filter((line) => line.includes('❌ Could not save this cycle'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Nothing counted is lost');
    // The two cycles that failed to save are counted by the one that saves: +3 MB / +1.5 MB since the baseline.
    if (outcome.kind !== 'recorded') throw new Error('not recorded');
    expect(outcome.cycle.tracked[0]?.delta).toEqual({
      kind: 'delta',
      rxDiff: 3_000_000n,
      txDiff: 1_500_000n,
    });
  });

  it('measures an outage on the monotonic clock: a wall clock set back meanwhile does not make it negative', async () => {
    let wall = Date.parse('2026-11-27T15:00:00Z');
    let steady = 5_000;
    const stepped = new Poller({
      source: createSeedApiSource({ apiUrl: server.url, timeoutMs: 300 }),
      recorder: new CycleRecorder(db.pool),
      intervalMs: 1000,
      describeDatabaseError: (error) => describeMysqlError(error, db.settings),
      log: (entry) => lines.push(...entry.split('\n')),
      now: () => new Date(wall),
      monotonic: () => steady,
    });
    expect((await stepped.pollOnce()).kind).toBe('recorded');
    await db.pool.query('RENAME TABLE bandwidth_snapshots TO snapshots_away');
    wall += 60_000;
    steady += 60_000;
    expect((await stepped.pollOnce()).kind).toBe('database-failed');
    // The wall clock is set back three hours (NTP, a user); 2 minutes really pass.
    wall -= 3 * 3_600_000;
    steady += 120_000;
    await db.pool.query('RENAME TABLE snapshots_away TO bandwidth_snapshots');
    expect((await stepped.pollOnce()).kind).toBe('recorded');
    expect(lines.filter((line) => line.includes('MySQL is back'))).toEqual([
      expect.stringMatching(/MySQL is back after 1 failed attempt\(s\) over 120 s$/),
    ]);
  });

  it('says what happened when only the writer lock connection is killed, never that MySQL is back', async () => {
    const lock = new WriterLock(db.settings, { hasPendingCycles: () => false });
    const seed = createSeedApiSource({ apiUrl: server.url, timeoutMs: 300 });
    let afterFetch: (() => Promise<void>) | null = null;
    const locked = new Poller({
      // The lock is checked before the fetch: a hook here runs between the check and the write.
      source: {
        description: seed.description,
        fetchDevices: async () => {
          const payload = await seed.fetchDevices();
          await afterFetch?.();
          return payload;
        },
      },
      recorder: new CycleRecorder(db.pool, undefined, { lockHolder: () => lock.holder() }),
      writerLock: lock,
      intervalMs: 1000,
      describeDatabaseError: (error) => describeMysqlError(error, db.settings),
      log: (entry) => lines.push(...entry.split('\n')),
    });
    const killer = await adminConnection();
    const kill = async () => {
      await killer.query(`KILL ${Number(lock.holder()?.connectionId)}`);
      await until('the lock connection to break', () => lock.holder() === null);
      // The server lets go of a killed connection's lock a moment later.
      await until('the server to free the lock', async () => {
        const [rows] = await killer.query('SELECT IS_FREE_LOCK(?) AS free', [
          writerLockName(db.settings.database),
        ]);
        return Number((rows as Array<{ free: number }>)[0]?.free) === 1;
      });
    };
    try {
      expect((await locked.pollOnce()).kind).toBe('recorded');
      // Between two cycles an admin (or wait_timeout) closes the lock's connection; MySQL stays
      // up. The next check takes the lock again on a new connection: nothing fails.
      await kill();
      expect((await locked.pollOnce()).kind).toBe('recorded');
      expect(lines.join('\n')).toMatch(
        /🔌 The connection holding this copy’s writer lock had been closed .* holds the lock again on a new connection/,
      );
      expect(lines.join('\n')).not.toMatch(/Another copy is writing/);

      // Closed between the check and the write: that cycle is not saved, and the end of it is
      // the lock held again, not MySQL back.
      afterFetch = kill;
      expect((await locked.pollOnce()).kind).toBe('database-failed');
      afterFetch = null;
      expect((await locked.pollOnce()).kind).toBe('recorded');
      const text = lines.join('\n');
      expect(text).toMatch(/Could not save this cycle: .*writer lock broke/);
      expect(text).not.toMatch(/MySQL is back/);
      expect(text).toMatch(
        /✅ This copy holds the writer lock again \(its lock connection had been closed, while MySQL answered\) and saves cycles again after 1 failed attempt\(s\) over \d+ s/,
      );
    } finally {
      await killer.end();
      await lock.release();
    }
  });

  it('keeps cycles in the journal while the database fails, shows them live, and writes them in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-poller-journal-'));
    const journal = new CycleJournal({ path: join(dir, 'journal.jsonl'), log: () => {} });
    const journaling = new Poller({
      source: createSeedApiSource({ apiUrl: server.url, timeoutMs: 300 }),
      recorder: new CycleRecorder(db.pool),
      journal,
      intervalMs: 1000,
      describeDatabaseError: (error) => describeMysqlError(error, db.settings),
      log: (entry) => lines.push(...entry.split('\n')),
    });
    try {
      expect((await journaling.pollOnce()).kind).toBe('recorded');
      await db.pool.query('RENAME TABLE bandwidth_snapshots TO snapshots_away');
      // +1 MB, +2 MB, then a reboot, all while the database refuses the cycles.
      const live: string[] = [];
      for (const waiting of [1, 2, 3]) {
        const outcome = await journaling.pollOnce();
        if (outcome.kind !== 'journaled')
          throw new Error(`expected journaled, got ${outcome.kind}`);
        expect(outcome.waiting).toBe(waiting);
        expect(outcome.error).not.toBeNull();
        const living = outcome.cycle.tracked.find((t) => t.identity.mac === LIVING_ROOM.mac);
        live.push(`${living?.delta.kind} ${living?.delta.rxDiff}`);
      }
      expect(live).toEqual(['delta 1000000', 'delta 2000000', 'reset 0']);
      await db.pool.query('RENAME TABLE snapshots_away TO bandwidth_snapshots');
      const back = await journaling.pollOnce();
      expect(back).toMatchObject({ kind: 'journaled', waiting: 0, error: null });
      expect(lines.join('\n')).toMatch(
        /↩️ Replayed 4 waiting cycle\(s\) from the journal; 0 still waiting/,
      );

      // Written in poll order: the traffic before the reboot is counted too.
      const rows = await db.rows<{ rx: string; reset: number }>(
        `SELECT s.rx_bytes_diff AS rx, s.is_reset AS reset FROM bandwidth_snapshots s
           JOIN routers r ON r.id = s.router_id WHERE r.mac_address = ? ORDER BY s.timestamp, s.id`,
        [LIVING_ROOM.mac],
      );
      expect(rows.map((r) => `${r.rx}${r.reset ? ' reset' : ''}`)).toEqual([
        '0',
        '1000000',
        '2000000',
        '0 reset',
        '500000',
      ]);
      const [router] = await db.rows<{ total: string }>(
        'SELECT total_rx_bytes AS total FROM routers WHERE mac_address = ?',
        [LIVING_ROOM.mac],
      );
      expect(router?.total).toBe(String(4_999_000_000n + 3_500_000n));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
