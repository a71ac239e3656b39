// A cycle the database refuses for good is moved aside with its error; recording goes on and
// the next cycles count its traffic. Real MariaDB; the refused value is put past the parser
// on purpose (the parser would stop it), as a stand-in for whatever it might miss.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { describeMysqlError } from '../../electron/core/db/connection';
import { migrate } from '../../electron/core/db/migrate';
import { isUnfixableWriteError } from '../../electron/core/dead-letter';
import { CycleJournal } from '../../electron/core/journal';
import { Poller } from '../../electron/core/poller';
import type { DeviceSource } from '../../electron/core/sources/device-source';
import type { DeviceReading } from '../../shared/types';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let dir: string;
beforeEach(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
  dir = mkdtempSync(join(tmpdir(), 'bt-dead-letter-'));
});
afterEach(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

const reading = (mac: string, rx: bigint, uptime: number): DeviceReading => ({
  identity: { mac, name: `R ${mac.slice(-2)}`, ip: null, brand: null, location: null, model: null },
  counters: { rxBytes: rx, txBytes: rx / 2n, uptime },
  throughput: { downloadMbps: null, uploadMbps: null, latencyMs: null },
  rates: null,
});

/**
 * Serves `steps` in order; `poison` steps carry an uptime no BIGINT UNSIGNED column holds, and
 * `newcomer` adds a third router, so the cycle first looks routers up before it stages a row.
 */
function scriptedSource(
  steps: Array<{ rx: bigint; poison?: boolean; newcomer?: bigint }>,
): DeviceSource {
  let step = 0;
  return {
    description: 'scripted source',
    async fetchDevices() {
      const s = steps[Math.min(step, steps.length - 1)];
      step += 1;
      if (s === undefined) throw new Error('no steps');
      return {
        devices: [
          reading('02:00:00:00:00:01', s.rx, s.poison === true ? 1e30 : 100 * step),
          reading('02:00:00:00:00:02', s.rx * 3n, 100 * step),
          ...(s.newcomer === undefined ? [] : [reading('02:00:00:00:00:03', s.newcomer, 100)]),
        ],
        problems: [],
      };
    },
  };
}

async function totals(): Promise<Record<string, string>> {
  const rows = await db.rows<{ mac: string; total: string; diffs: string | null }>(
    `SELECT r.mac_address AS mac, r.total_rx_bytes AS total,
            (SELECT SUM(rx_bytes_diff) FROM bandwidth_snapshots s WHERE s.router_id = r.id) AS diffs
       FROM routers r ORDER BY r.mac_address`,
  );
  return Object.fromEntries(rows.map((r) => [r.mac, `${r.total}/${r.diffs}`]));
}

describe('a cycle the database refuses for good', () => {
  it('is classified apart from outages', () => {
    expect(isUnfixableWriteError({ code: 'ER_WARN_DATA_OUT_OF_RANGE' })).toBe(true);
    expect(isUnfixableWriteError({ code: 'ER_SOMETHING_NEW', sqlState: '22003' })).toBe(true);
    expect(isUnfixableWriteError({ code: 'ECONNREFUSED' })).toBe(false);
    expect(isUnfixableWriteError({ code: 'ER_LOCK_DEADLOCK', sqlState: '40001' })).toBe(false);
  });

  it('is moved aside with its error, shown in the health, and the next cycle counts its traffic', async () => {
    const lines: string[] = [];
    const journal = new CycleJournal({ path: join(dir, 'journal.jsonl'), log: () => {} });
    const poller = new Poller({
      source: scriptedSource([
        { rx: 1_000n },
        { rx: 2_000n, poison: true },
        { rx: 3_000n, poison: true },
        { rx: 4_500n },
        { rx: 5_000n },
      ]),
      recorder: new CycleRecorder(db.pool),
      journal,
      intervalMs: 1000,
      describeDatabaseError: (error) => describeMysqlError(error, db.settings),
      log: (line) => lines.push(line),
    });
    expect((await poller.pollOnce()).kind).toBe('recorded');
    const refused = await poller.pollOnce();
    expect(refused).toMatchObject({ kind: 'refused', movedTo: journal.deadLetter.path });
    expect((await poller.pollOnce()).kind).toBe('refused');
    const health = poller.recordingHealth();
    expect(health.notRecordingSince).not.toBeNull();
    expect(health.reason).toMatch(/the database refused a cycle \(ER_WARN_DATA_OUT_OF_RANGE/);
    expect(health.movedAside).toBe(2);
    // Loud once, not once per refused cycle; nothing waits in the journal behind it.
    expect(lines.filter((l) => l.includes('🛑 THE DATABASE REFUSED'))).toHaveLength(1);
    expect(journal.length).toBe(0);

    expect((await poller.pollOnce()).kind).toBe('recorded');
    expect(poller.recordingHealth().notRecordingSince).toBeNull();
    expect(lines.join('\n')).toMatch(/✅ Recording again/);
    expect((await poller.pollOnce()).kind).toBe('recorded');
    // Both routers: first counters + every byte since, the refused cycles' traffic included.
    expect(await totals()).toEqual({
      '02:00:00:00:00:01': '5000/4000',
      '02:00:00:00:00:02': '15000/12000',
    });
    const aside = readFileSync(journal.deadLetter.path, 'utf8').trim().split('\n');
    expect(aside).toHaveLength(2);
    const entry = JSON.parse(aside[0] ?? '{}');
    expect(entry.reason).toMatch(/ER_WARN_DATA_OUT_OF_RANGE/);
    expect(JSON.parse(entry.cycle).devices[0][7]).toBe(1e30);
  });

  it('in the journal, is moved aside during the replay and the cycles behind it are written', async () => {
    const path = join(dir, 'journal.jsonl');
    const journal = new CycleJournal({ path, log: () => {} });
    const recorder = new CycleRecorder(db.pool);
    const poller = new Poller({
      source: scriptedSource([
        { rx: 1_000n },
        { rx: 2_000n, poison: true, newcomer: 700n },
        { rx: 3_000n, newcomer: 800n },
      ]),
      recorder,
      journal,
      intervalMs: 1000,
      describeDatabaseError: (error) => describeMysqlError(error, db.settings),
      log: () => {},
    });
    expect((await poller.pollOnce()).kind).toBe('recorded');
    // The database fails before it sees the value (the look-up of the new router finds no
    // routers table): the poisoned cycle waits in the journal.
    await db.pool.query('RENAME TABLE routers TO routers_away');
    expect((await poller.pollOnce()).kind).toBe('journaled');
    await db.pool.query('RENAME TABLE routers_away TO routers');
    // Back: the poisoned one is refused, moved aside, and the one behind it written.
    const back = await poller.pollOnce();
    expect(back).toMatchObject({ kind: 'journaled', waiting: 0, error: null });
    expect(existsSync(journal.deadLetter.path)).toBe(true);
    expect(await totals()).toEqual({
      '02:00:00:00:00:01': '3000/2000',
      '02:00:00:00:00:02': '9000/6000',
      // First written by the cycle after the refused one: its baseline.
      '02:00:00:00:00:03': '800/0',
    });
  });
});
