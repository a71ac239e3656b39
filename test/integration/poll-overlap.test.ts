import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { describeMysqlError } from '../../electron/core/db/connection';
import { migrate } from '../../electron/core/db/migrate';
import { CycleJournal } from '../../electron/core/journal';
import { parseDevicePayload } from '../../electron/core/payload';
import { type CycleOutcome, Poller } from '../../electron/core/poller';
import { createSeedApiSource } from '../../electron/core/sources/seed-api-source';
import type { DeviceReading } from '../../shared/types';
import { designPayload, LIVING_ROOM_COUNTERS } from '../support/design-timeline';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

/** A real recorder whose writes wait at a gate the test opens, one write at a time. */
class GatedRecorder extends CycleRecorder {
  readonly events: string[] = [];
  /** Per write: whether it came with its cycle already tracked (by the poller) and still current. */
  readonly cameTracked: boolean[] = [];
  /** Writes under way (waiting at the gate or being sent). */
  private inFlight = 0;
  private gates: Array<() => void> = [];
  private writes = 0;
  private prepares = 0;
  /** Runs when a write is let through, before it is sent; `failed` after one that threw. */
  onWrite: (n: number) => Promise<void> = async () => {};
  failed: (n: number) => Promise<void> = async () => {};

  override prepare(...args: Parameters<CycleRecorder['prepare']>) {
    const prepared = super.prepare(...args);
    const how =
      prepared === null
        ? ' (needs the database)'
        : this.inFlight > 0
          ? ' ahead, during a write'
          : '';
    this.events.push(`prepare ${++this.prepares}${how}`);
    return prepared;
  }

  override async record(...args: Parameters<CycleRecorder['record']>) {
    const n = ++this.writes;
    this.cameTracked.push(this.isCurrent(args[4] ?? null));
    this.inFlight += 1;
    this.events.push(`write ${n} waits`);
    await new Promise<void>((open) => this.gates.push(open));
    await this.onWrite(n);
    try {
      const cycle = await super.record(...args);
      this.events.push(`write ${n} committed`);
      return cycle;
    } catch (error) {
      this.events.push(`write ${n} failed`);
      await this.failed(n);
      throw error;
    } finally {
      this.inFlight -= 1;
    }
  }

  get waiting(): number {
    return this.gates.length;
  }

  open(): void {
    this.gates.shift()?.();
  }
}

let db: TestDatabase;
let server: DeviceServer;

beforeEach(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
});
afterEach(async () => {
  await server?.close();
  await db.drop();
});

describe('the next poll is fetched while the cycle before it is written', () => {
  it('overlaps one fetch with one write, writes in poll order and counts every byte once', async () => {
    const recorder = new GatedRecorder(db.pool);
    server = await startDeviceServer((n) => {
      recorder.events.push(`fetch ${n + 1}`);
      // The second poll has a bad device: its line must come after the first cycle's lines.
      const devices = designPayload(n);
      return {
        devices: n === 1 ? [...devices, { name: 'Broken', mac: 'AA:BB:CC:DD:EE:09' }] : devices,
      };
    });
    const lines: string[] = [];
    const outcomes: CycleOutcome[] = [];
    const poller = new Poller({
      source: createSeedApiSource({ apiUrl: server.url, timeoutMs: 2_000 }),
      recorder,
      intervalMs: 1,
      describeDatabaseError: (error) => describeMysqlError(error, db.settings),
      log: (entry) => lines.push(...entry.split('\n')),
      onCycle: (outcome) => outcomes.push(outcome),
    });
    const running = poller.run({ cycles: LIVING_ROOM_COUNTERS.length });

    // Poll 2 is fetched while write 1 waits; poll 3 is not, until write 1 is done.
    await until('poll 2 is fetched', () => recorder.events.includes('fetch 2'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(recorder.events).toEqual([
      'fetch 1',
      'prepare 1 (needs the database)',
      'write 1 waits',
      'fetch 2',
    ]);
    expect(server.requests).toBe(2);
    for (let write = 1; write <= LIVING_ROOM_COUNTERS.length; write += 1) {
      await until('a write waits', () => recorder.waiting > 0);
      recorder.open();
    }
    expect(await running).toBe(LIVING_ROOM_COUNTERS.length);

    expect(outcomes.map((o) => o.kind)).toEqual(LIVING_ROOM_COUNTERS.map(() => 'recorded'));
    const committed = recorder.events.filter((e) => e.includes('committed'));
    expect(committed).toEqual(LIVING_ROOM_COUNTERS.map((_, i) => `write ${i + 1} committed`));
    // From the third poll on, each was tracked while the one before it was being committed.
    // Poll 2 brings a new (broken) device, so write 2 reads the database first; polls 4 and 5
    // were tracked while the write before them was under way.
    expect(recorder.cameTracked).toEqual([false, false, true, true, true]);
    expect(recorder.events.filter((e) => e.endsWith('ahead, during a write'))).toHaveLength(2);
    // Never a second fetch ahead: poll n+2 only after write n committed.
    for (let n = 1; n + 2 <= LIVING_ROOM_COUNTERS.length; n += 1) {
      expect(recorder.events.indexOf(`fetch ${n + 2}`)).toBeGreaterThan(
        recorder.events.indexOf(`write ${n} committed`),
      );
    }

    // Log lines in poll order: the first cycle's summary before the second poll's skipped device.
    const firstSummary = lines.findIndex((l) => l.includes('📈 Updated bandwidth tracking'));
    const skipped = lines.findIndex((l) => l.includes('⚠️ Skipped Broken'));
    expect(firstSummary).toBeGreaterThanOrEqual(0);
    expect(skipped).toBeGreaterThan(firstSummary);

    // The design's timeline, counted exactly once: +1 MB/+500 KB, +2 MB/+1 MB, reboot, +500 KB/+300 KB.
    const [rows] = await db.pool.query(
      "SELECT SUM(s.rx_bytes_diff) AS rx, SUM(s.tx_bytes_diff) AS tx, COUNT(*) AS n FROM bandwidth_snapshots s JOIN routers r ON r.id = s.router_id WHERE r.name = 'Living Room AP'",
    );
    const [sums] = rows as Array<{ rx: string; tx: string; n: number }>;
    expect(Number(sums?.n)).toBe(LIVING_ROOM_COUNTERS.length);
    expect(BigInt(sums?.rx ?? -1)).toBe(1_000_000n + 2_000_000n + 500_000n);
    expect(BigInt(sums?.tx ?? -1)).toBe(500_000n + 1_000_000n + 300_000n);
  });

  it('a commit that fails drops the poll tracked on top of it: journaled, replayed, every byte once', async () => {
    const recorder = new GatedRecorder(db.pool);
    server = await startDeviceServer((n) => {
      recorder.events.push(`fetch ${n + 1}`);
      return { devices: designPayload(n) };
    });
    const dir = mkdtempSync(join(tmpdir(), 'bt-overlap-journal-'));
    const journal = new CycleJournal({ path: join(dir, 'journal.jsonl'), log: () => {} });
    // Write 3 fails once poll 4 was tracked on top of it; the table is back before the replay.
    recorder.onWrite = async (n) => {
      if (n !== 3) return;
      await until('poll 4 is tracked ahead', () =>
        recorder.events.includes('prepare 4 ahead, during a write'),
      );
      await db.pool.query('RENAME TABLE bandwidth_snapshots TO snapshots_away');
    };
    recorder.failed = async (n) => {
      if (n === 3) await db.pool.query('RENAME TABLE snapshots_away TO bandwidth_snapshots');
    };
    const outcomes: string[] = [];
    const poller = new Poller({
      source: createSeedApiSource({ apiUrl: server.url, timeoutMs: 2_000 }),
      recorder,
      journal,
      intervalMs: 1,
      describeDatabaseError: (error) => describeMysqlError(error, db.settings),
      log: () => {},
      onCycle: (outcome) => outcomes.push(outcome.kind),
    });
    try {
      let done = false;
      const running = poller.run({ cycles: LIVING_ROOM_COUNTERS.length }).finally(() => {
        done = true;
      });
      while (!done) {
        await until('a write waits, or the run ends', () => done || recorder.waiting > 0);
        recorder.open();
      }
      expect(await running).toBe(LIVING_ROOM_COUNTERS.length);
      expect(recorder.events).toContain('write 3 failed');
      // Poll 4 had been tracked on top of write 3 before it failed; the replays start afresh.
      const ahead = recorder.events.indexOf('prepare 4 ahead, during a write');
      expect(ahead).toBeGreaterThan(-1);
      expect(ahead).toBeLessThan(recorder.events.indexOf('write 3 failed'));
      // The replays (writes 4 and 5) measure from the database again.
      expect(recorder.events).toContain('prepare 6 (needs the database)');
      expect(recorder.cameTracked).toEqual([false, true, true, false, false, true]);
      expect(outcomes).toEqual(['recorded', 'recorded', 'journaled', 'journaled', 'recorded']);
      expect(journal.length).toBe(0);

      const [rows] = await db.pool.query(
        "SELECT s.rx_bytes_diff AS rx, s.tx_bytes_diff AS tx, s.is_reset AS reset FROM bandwidth_snapshots s JOIN routers r ON r.id = s.router_id WHERE r.name = 'Living Room AP' ORDER BY s.timestamp, s.id",
      );
      const got = (rows as Array<{ rx: string; tx: string; reset: number }>).map(
        (r) => `${r.rx}/${r.tx}${r.reset ? ' reset' : ''}`,
      );
      expect(got).toEqual([
        '0/0',
        '1000000/500000',
        '2000000/1000000',
        '0/0 reset',
        '500000/300000',
      ]);
      const [totals] = await db.pool.query(
        "SELECT total_rx_bytes AS rx FROM routers WHERE name = 'Living Room AP'",
      );
      // Lifetime: the first counters, +1 MB, +2 MB, the reboot (nothing), +500 KB.
      expect(BigInt((totals as Array<{ rx: string }>)[0]?.rx ?? -1)).toBe(
        4_999_000_000n + 3_500_000n,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a prepared cycle that cannot get a connection is forgotten: its replay is measured from MySQL', async () => {
    let refuse = false;
    // The real pool, except one getConnection the test makes fail (too many connections).
    const pool = new Proxy(db.pool, {
      get(target, property) {
        if (property === 'getConnection' && refuse) {
          refuse = false;
          return async () => {
            throw Object.assign(new Error('Too many connections'), { code: 'ER_CON_COUNT_ERROR' });
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const recorder = new CycleRecorder(pool);
    const poll = (n: number) => parseDevicePayload(designPayload(n)).devices;
    const origin = (sequence: number) => ({
      copy: 'A',
      sequence,
      monotonicMs: sequence * 60_000,
      source: 'test',
    });
    const at = (n: number) => new Date(Date.UTC(2026, 10, 27, 10, n));
    await recorder.record(poll(0), at(0), 'c1', { origin: origin(1), live: true });
    await recorder.record(poll(1), at(1), 'c2', { origin: origin(2), live: true });
    const prepared = recorder.prepare(poll(2), at(2), 'c3', { origin: origin(3), live: true });
    expect(prepared).not.toBeNull();
    refuse = true;
    await expect(
      recorder.record(poll(2), at(2), 'c3', { origin: origin(3), live: true }, prepared),
    ).rejects.toThrow(/Too many connections/);
    // Replayed from the journal (not live): measured from what MySQL holds, nothing left out.
    const replayed = await recorder.record(poll(2), at(2), 'c3', { origin: origin(3) });
    expect(replayed.stale).toEqual([]);
    const living = replayed.tracked.find((t) => t.identity.name === 'Living Room AP');
    expect(living?.delta).toEqual({ kind: 'delta', rxDiff: 2_000_000n, txDiff: 1_000_000n });
  });

  it('pollOnce still writes before it returns', async () => {
    const recorder = new CycleRecorder(db.pool);
    server = await startDeviceServer((n) => ({ devices: designPayload(n) }));
    const seen: Array<readonly DeviceReading[]> = [];
    const poller = new Poller({
      source: createSeedApiSource({ apiUrl: server.url, timeoutMs: 2_000 }),
      recorder,
      intervalMs: 1,
      describeDatabaseError: (error) => describeMysqlError(error, db.settings),
      log: () => {},
      afterCommit: async (_cycle, devices) => {
        seen.push(devices);
      },
    });
    expect((await poller.pollOnce()).kind).toBe('recorded');
    expect(seen).toHaveLength(1);
    expect(server.requests).toBe(1);
  });
});
