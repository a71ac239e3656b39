// Who may commit, and what a cycle is measured from, when several copies share a database:
// the real recorder, writer lock and poller against MariaDB and real HTTP device APIs.
import type { RowDataPacket } from 'mysql2/promise';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BandwidthService } from '../../electron/core/bandwidth-service';
import { CycleRecorder, WriterLockLost } from '../../electron/core/cycle-recorder';
import { describeMysqlError } from '../../electron/core/db/connection';
import { migrate } from '../../electron/core/db/migrate';
import { WriterLock, writerLockName } from '../../electron/core/db/writer-lock';
import type { PollOrigin } from '../../electron/core/journal';
import { parseDevicePayload } from '../../electron/core/payload';
import { Poller } from '../../electron/core/poller';
import { createSeedApiSource } from '../../electron/core/sources/seed-api-source';
import { DEFAULT_LIMITS } from '../../electron/core/tracker';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { ScriptedNetwork } from '../support/scripted-network';
import { adminConnection, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

let db: TestDatabase;
const servers: DeviceServer[] = [];
beforeEach(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await db.drop();
});

const MAC = 'AA:00:00:00:00:01';
const reading = (rx: number, tx: number) =>
  parseDevicePayload([{ name: 'Uplink', mac: MAC, rx_bytes: rx, tx_bytes: tx }]).devices;
const origin = (copy: string, sequence: number, source = 'device API A'): PollOrigin => ({
  copy,
  sequence,
  monotonicMs: sequence * 60_000,
  source,
});
const minute = (n: number) => new Date(Date.UTC(2026, 10, 27, 10, n));

async function counted(): Promise<{ rx: string; tx: string; total: string; cycles: string }> {
  const [row] = await db.rows<Record<string, string>>(
    `SELECT (SELECT COALESCE(SUM(rx_bytes_diff), 0) FROM bandwidth_snapshots) AS rx,
            (SELECT COALESCE(SUM(tx_bytes_diff), 0) FROM bandwidth_snapshots) AS tx,
            (SELECT total_rx_bytes FROM routers WHERE mac_address = '${MAC}') AS total,
            (SELECT COUNT(*) FROM poll_cycles) AS cycles`,
  );
  if (row === undefined) throw new Error('no accounts');
  return { rx: `${row.rx}`, tx: `${row.tx}`, total: `${row.total}`, cycles: `${row.cycles}` };
}

describe('one writer at commit time', () => {
  it('rolls a cycle back when the lock belongs to another connection at commit, checked in the transaction', async () => {
    const holder = await adminConnection();
    try {
      const [[held]] = await holder.query<RowDataPacket[]>('SELECT GET_LOCK(?, 0) AS got', [
        writerLockName(db.settings.database),
      ]);
      expect(Number(held?.got)).toBe(1);
      const [[me]] = await holder.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
      let claimed = Number(me?.id);
      const recorder = new CycleRecorder(db.pool, DEFAULT_LIMITS, {
        lockHolder: () => ({ name: writerLockName(db.settings.database), connectionId: claimed }),
      });
      await recorder.record(reading(1_000, 500), minute(0), 'c1', { origin: origin('A', 1) });
      await recorder.record(reading(3_000, 900), minute(1), 'c2', { origin: origin('A', 2) });
      // This copy believes it holds the lock through a connection that no longer does.
      claimed += 1_000_000;
      await expect(
        recorder.record(reading(6_000, 1_300), minute(2), 'c3', { origin: origin('A', 3) }),
      ).rejects.toBeInstanceOf(WriterLockLost);
      // Nothing of the refused cycle was written: not its id, not a snapshot, not a byte.
      expect(await counted()).toEqual({ rx: '2000', tx: '400', total: '3000', cycles: '2' });
      // Holding it again, the next cycle counts the traffic of the refused one too.
      claimed -= 1_000_000;
      await recorder.record(reading(7_000, 1_400), minute(3), 'c4', { origin: origin('A', 4) });
      expect(await counted()).toEqual({ rx: '6000', tx: '900', total: '7000', cycles: '3' });
    } finally {
      await holder.end();
    }
  });

  it('a commit guarded by a lock connection that was replaced meanwhile is measured again, not lost', async () => {
    const holder = await adminConnection();
    try {
      const name = writerLockName(db.settings.database);
      await holder.query('SELECT GET_LOCK(?, 0)', [name]);
      const [[me]] = await holder.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
      const held = Number(me?.id);
      // The cycle is built while the old connection (now gone) held the lock; by the time the
      // guard refuses it, this copy holds the lock again on `held` (the next poll's check).
      let calls = 0;
      const recorder = new CycleRecorder(db.pool, DEFAULT_LIMITS, {
        lockHolder: () => {
          calls += 1;
          return { name, connectionId: calls === 1 ? held + 1_000_000 : held };
        },
      });
      const committed = await recorder.record(reading(1_000, 500), minute(0), 'c1', {
        origin: origin('A', 1),
      });
      expect(committed.tracked).toHaveLength(1);
      expect(await counted()).toEqual({ rx: '0', tx: '0', total: '1000', cycles: '1' });
    } finally {
      await holder.end();
    }
  });

  it('a copy demoted while its lock connection still holds the lock lets go of it: another copy takes over', async () => {
    const a = new WriterLock(db.settings, { hasPendingCycles: () => false });
    const b = new WriterLock(db.settings, { hasPendingCycles: () => false });
    try {
      expect((await a.check()).role).toBe('writer');
      expect((await b.check()).role).toBe('reader');
      // A commit of A was refused while A's connection (claimed again) holds the lock.
      a.demote();
      const roles: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        roles.push((await b.check()).role);
        // The server lets go of a closed connection's lock a moment later.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(roles).toContain('writer');
      expect((await a.check()).role).toBe('reader');
    } finally {
      await a.release();
      await b.release();
    }
  });

  it('measures from the stored counters when another copy wrote since, in the same round trip when it did not', async () => {
    const a = new CycleRecorder(db.pool);
    const b = new CycleRecorder(db.pool);
    await a.record(reading(100, 10), minute(0), 'a1', { origin: origin('A', 1), live: true });
    const quiet = await a.record(reading(200, 20), minute(1), 'a2', {
      origin: origin('A', 2),
      live: true,
    });
    expect(quiet.roundTrips).toBe(1);
    // Another copy writes the router (measuring from what A stored)…
    await b.record(reading(300, 30), minute(2), 'b1', { origin: origin('B', 1), live: true });
    // …so A's memory (200) is out of date: the transaction sees it and A measures from 300.
    const moved = await a.record(reading(400, 40), minute(3), 'a3', {
      origin: origin('A', 3),
      live: true,
    });
    expect(moved.tracked[0]?.delta).toEqual({ kind: 'delta', rxDiff: 100n, txDiff: 10n });
    expect(moved.tracked[0]?.previous?.rxBytes).toBe(300n);
    // 300 bytes of RX went through between the first reading and the last: counted once.
    expect(await counted()).toEqual({ rx: '300', tx: '30', total: '400', cycles: '4' });
  });

  it('leaves out a replayed reading older than the stored one by its copy’s sequence, whatever its wall time', async () => {
    const a = new CycleRecorder(db.pool);
    await a.record(reading(100, 10), minute(30), 'a1', { origin: origin('A', 1), live: true });
    // The wall clock went back an hour: a live reading is newer whatever its time says.
    await a.record(reading(200, 20), minute(0), 'a2', { origin: origin('A', 2), live: true });
    // A replay of sequence 2 under another id (a journal written twice) is older than stored.
    const replay = await new CycleRecorder(db.pool).record(reading(200, 20), minute(1), 'a2-bis', {
      origin: origin('A', 2),
    });
    expect(replay.stale.map((r) => r.mac)).toEqual([MAC]);
    // And sequence 3, stamped earlier than both on the wall clock, is still newer.
    const next = await new CycleRecorder(db.pool).record(reading(350, 35), minute(-10), 'a3', {
      origin: origin('A', 3),
    });
    expect(next.stale).toEqual([]);
    expect(await counted()).toMatchObject({ rx: '250', tx: '25', total: '350' });
  });
});

describe('counters from another source', () => {
  it('start a new baseline for a known MAC instead of a phantom delta, and say so', async () => {
    const recorder = new CycleRecorder(db.pool);
    await recorder.record(reading(1_000_000, 1_000), minute(0), 's1', {
      origin: origin('A', 1, 'controller one'),
    });
    await recorder.record(reading(2_000_000, 2_000), minute(1), 's2', {
      origin: origin('A', 2, 'controller one'),
    });
    // Another copy polls another controller that knows the same MAC with other counters.
    const other = new CycleRecorder(db.pool);
    const switched = await other.record(reading(503_000_000, 3_000), minute(2), 's3', {
      origin: origin('B', 1, 'controller two'),
    });
    expect(switched.tracked[0]?.delta.kind).toBe('baseline');
    expect(switched.newSource).toEqual([
      {
        identity: expect.objectContaining({ mac: MAC }),
        storedSource: 'controller one',
        source: 'controller two',
      },
    ]);
    await other.record(reading(504_000_000, 4_000), minute(3), 's4', {
      origin: origin('B', 2, 'controller two'),
    });
    // 1 MB from the first controller, 1 MB from the second: no +501 MB from one to the other.
    expect(await counted()).toEqual({ rx: '2000000', tx: '2000', total: '3000000', cycles: '4' });
    const [router] = await db.rows<{ counter_source: string; resets: string }>(
      `SELECT counter_source, (SELECT SUM(is_reset) FROM bandwidth_snapshots) AS resets
         FROM routers WHERE mac_address = ?`,
      [MAC],
    );
    expect(router).toEqual({ counter_source: 'controller two', resets: '0' });
  });

  it('two copies on one database, each polling its own controller for the same MACs: exact totals per source', async () => {
    const networkA = new ScriptedNetwork(3);
    // The same MACs behind another controller, with counters far ahead of the first's.
    const networkB = new ScriptedNetwork(3);
    const offset = 501_000_000n;
    const serverA = await startDeviceServer(networkA.respond);
    const serverB = await startDeviceServer(() => {
      const answer = networkB.respond() as { devices: Array<Record<string, unknown>> };
      return {
        devices: answer.devices.map((d) => ({
          ...d,
          rx_bytes: (d.rx_bytes as bigint) + offset,
          tx_bytes: (d.tx_bytes as bigint) + offset,
        })),
      };
    });
    servers.push(serverA, serverB);
    const logB: string[] = [];
    const copy = (url: string, log: string[]) => {
      const service = new BandwidthService({
        settings: { apiUrl: url, intervalMs: 50, timeoutMs: 1_000, mysql: db.settings },
        log: (line) => log.push(line),
      });
      const stop = new AbortController();
      const done = service.run({ signal: stop.signal });
      return {
        service,
        stop: () => {
          stop.abort();
          return done;
        },
      };
    };
    const a = copy(serverA.url, []);
    await until('A to write', () => networkA.served >= 8);
    const b = copy(serverB.url, logB);
    try {
      await until('B to read', () => b.service.getState().role === 'reader');
      networkA.settle();
      const servedA = networkA.served;
      await until('A’s last readings', () => networkA.served >= servedA + 3);
      await a.stop();
      await until('B to take over and write', () => networkB.served >= 8);
      networkB.settle();
      const servedB = networkB.served;
      await until('B’s last readings', () => networkB.served >= servedB + 3);
    } finally {
      await a.stop();
      await b.stop();
    }
    expect(logB.filter((l) => l.includes('🔀'))).toHaveLength(3);
    // Per router: what A's controller produced plus what B's produced after B's baseline. A
    // reader polls nothing, so B's first reading is its controller's first (the baseline);
    // a scripted network produces traffic from its third reading on.
    const truthA = networkA.truth();
    const truthB = networkB.truth();
    const rows = await db.rows<Record<string, string>>(
      `SELECT r.mac_address AS mac, SUM(s.rx_bytes_diff) AS rx, SUM(s.tx_bytes_diff) AS tx, SUM(s.is_reset) AS resets
         FROM routers r JOIN bandwidth_snapshots s ON s.router_id = r.id GROUP BY r.id ORDER BY r.mac_address`,
    );
    expect(rows).toEqual(
      truthA.map((t, i) => ({
        mac: t.mac,
        rx: String(t.rx + (truthB[i]?.rx ?? 0n)),
        tx: String(t.tx + (truthB[i]?.tx ?? 0n)),
        resets: String(t.reboots + (truthB[i]?.reboots ?? 0)),
      })),
    );
    const served =
      truthA.reduce((s, t) => s + t.rx + t.tx, 0n) + truthB.reduce((s, t) => s + t.rx + t.tx, 0n);
    console.log(
      `ownership scenario | two copies, two controllers, same MACs | ${networkA.served + networkB.served} readings | served ${served} B | counted ${rows.reduce((s, r) => s + BigInt(r.rx ?? 0) + BigInt(r.tx ?? 0), 0n)} B | lost 0 | doubled 0`,
    );
  });
});

describe('the lock connection killed between fetch and commit', () => {
  it.each([
    ['before A noticed: refused by the check inside its transaction', true],
    ['A noticed the broken connection first', false],
  ])(
    'rolls back, becomes a reader, and the copy that takes over counts the traffic once (%s)',
    async (_, race) => {
      const network = new ScriptedNetwork(3);
      const server = await startDeviceServer(network.respond);
      servers.push(server);
      let betweenFetchAndCommit: (() => Promise<void>) | null = null;
      /** What A believes about its lock while the kill has not reached it yet (the race). */
      let believed: { name: string; connectionId: number } | null = null;
      const makeCopy = (name: string) => {
        const lines: string[] = [];
        const lock = new WriterLock(db.settings, { hasPendingCycles: () => false });
        const seed = createSeedApiSource({ apiUrl: server.url, timeoutMs: 1_000 });
        const recorder = new CycleRecorder(db.pool, DEFAULT_LIMITS, {
          lockHolder: () => (name === 'A' ? believed : null) ?? lock.holder(),
        });
        // Why a commit was refused: before the transaction, or by the check inside it.
        const refusals: string[] = [];
        const record = recorder.record.bind(recorder);
        recorder.record = (...args) =>
          record(...args).catch((error: unknown) => {
            refusals.push(String((error as Error).message));
            throw error;
          });
        const poller = new Poller({
          source: {
            description: seed.description,
            async fetchDevices() {
              const payload = await seed.fetchDevices();
              const hook = name === 'A' ? betweenFetchAndCommit : null;
              betweenFetchAndCommit = null;
              await hook?.();
              return payload;
            },
          },
          recorder,
          writerLock: lock,
          intervalMs: 50,
          describeDatabaseError: (error) => describeMysqlError(error, db.settings),
          log: (line) => lines.push(line),
          quiet: true,
        });
        return { lock, poller, lines, refusals };
      };
      const a = makeCopy('A');
      const b = makeCopy('B');
      try {
        for (let i = 0; i < 5; i += 1) expect((await a.poller.pollOnce()).kind).toBe('recorded');
        expect((await b.poller.pollOnce()).kind).toBe('reader');
        const killer = await adminConnection();
        betweenFetchAndCommit = async () => {
          // A has its readings; its lock connection dies and B takes the lock and writes.
          if (race) believed = a.lock.holder();
          await killer.query(`KILL ${Number(a.lock.holder()?.connectionId)}`);
          if (!race)
            await until('A to see its lock connection break', () => a.lock.holder() === null);
          await until('B to write', async () => (await b.poller.pollOnce()).kind === 'recorded');
          await b.poller.pollOnce();
        };
        // Refused inside the transaction: a reader at once. Noticed before: a failed write
        // (journaled, when there is a journal), then a reader at the next lock check.
        expect((await a.poller.pollOnce()).kind).toBe(race ? 'reader' : 'database-failed');
        believed = null;
        await killer.end();
        expect(a.refusals).toEqual([
          race
            ? 'this copy lost the writer lock before it could commit'
            : 'the connection holding this copy’s writer lock broke: cycles are written again once this copy holds the lock',
        ]);
        expect(a.lines.join('\n')).toMatch(
          race
            ? /lost the writer lock before it could save this cycle/
            : /Could not save this cycle: .*writer lock broke/,
        );
        for (let i = 0; i < 5; i += 1) expect((await b.poller.pollOnce()).kind).toBe('recorded');
        expect((await a.poller.pollOnce()).kind).toBe('reader');
        network.settle();
        for (let i = 0; i < 3; i += 1) await b.poller.pollOnce();
      } finally {
        await a.lock.release();
        await b.lock.release();
      }
      const truth = network.truth();
      const rows = await db.rows<Record<string, string>>(
        `SELECT r.mac_address AS mac, r.total_rx_bytes AS total, SUM(s.rx_bytes_diff) AS rx, SUM(s.tx_bytes_diff) AS tx
         FROM routers r JOIN bandwidth_snapshots s ON s.router_id = r.id GROUP BY r.id ORDER BY r.mac_address`,
      );
      expect(rows).toEqual(
        truth.map((t) => ({ mac: t.mac, total: String(t.rx), rx: String(t.rx), tx: String(t.tx) })),
      );
      const served = truth.reduce((s, t) => s + t.rx + t.tx, 0n);
      console.log(
        `ownership scenario | lock connection killed between fetch and commit, ${race ? 'before' : 'after'} A noticed | ${network.served} readings | served ${served} B | counted ${rows.reduce((s, r) => s + BigInt(r.rx ?? 0) + BigInt(r.tx ?? 0), 0n)} B | lost 0 | doubled 0`,
      );
    },
  );
});
