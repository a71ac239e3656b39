import { randomUUID } from 'node:crypto';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type {
  CounterDelta,
  CounterReading,
  DeviceReading,
  RouterIdentity,
} from '../../shared/types';
import {
  BEGIN_CYCLE,
  batch,
  type CycleRow,
  insertRouterIdentities,
  type Statement,
  type StoredRouter,
  selectRouters,
  storedRouterOf,
  updateIdentities,
  writeCycle,
} from './db/cycle-statements';
import { countingSql, type Sql } from './db/sql';
import {
  BandwidthTracker,
  DEFAULT_LIMITS,
  type PreviousReading,
  type TrackerLimits,
} from './tracker';

export interface TrackedDevice {
  routerId: number;
  identity: RouterIdentity;
  counters: CounterReading;
  delta: CounterDelta;
  /** The reading the delta was measured from; null on the very first sight. */
  previous: PreviousReading | null;
  /** Live rates the source measured itself, when it does. */
  rates?: DeviceReading['rates'];
}

export interface RecordedCycle {
  at: Date;
  tracked: TrackedDevice[];
  /** Upserted and logged, but not tracked: their counters failed validation. */
  untracked: RouterIdentity[];
  /**
   * Readings older than what the database already has for their router (a journal replayed
   * after another copy wrote newer ones): left out, since that copy's deltas cover them.
   */
  stale: RouterIdentity[];
  roundTrips: number;
}

/** The cycle was recorded before (a replay): nothing was written again. */
export class CycleAlreadyRecorded extends Error {}

/** Rows of the last SELECT of a multi-statement round trip. */
async function selectLast(sql: Sql, statement: Statement): Promise<RowDataPacket[]> {
  const results = (await sql.query<RowDataPacket[]>(
    statement.sql,
    statement.values,
  )) as unknown as unknown[];
  return (results.at(-1) ?? []) as RowDataPacket[];
}

/**
 * Writes one poll cycle in one transaction: routers (identity, totals, baseline), snapshots,
 * rollups and the legacy log. When every router is known this is a single round trip; new
 * routers add up to two. The tracker's baselines move only once the transaction committed.
 *
 * Deltas are measured from what this recorder last wrote, or from the database's stored
 * counters for a router it has not written yet. That makes a journal replay exact: replayed
 * in order, each cycle is measured from the one before it.
 */
export class CycleRecorder {
  private readonly routerIds = new Map<string, number>();
  /** The identity last written per router, so unchanged names are not rewritten every cycle. */
  private readonly writtenIdentity = new Map<number, RouterIdentity>();
  /** Baselines as written by this recorder, by router id. */
  private readonly tracker: BandwidthTracker<number>;

  constructor(
    private readonly pool: Pool,
    limits: TrackerLimits = DEFAULT_LIMITS,
  ) {
    this.tracker = new BandwidthTracker<number>(limits);
  }

  /** The router id of a MAC this recorder has written, if any. */
  routerIdOf(mac: string): number | undefined {
    return this.routerIds.get(mac);
  }

  /**
   * Forgets what this copy wrote: the next cycle reads routers and baselines from the database
   * again. Called when this copy (re)gains the writer lock, since another may have written since.
   */
  forget(): void {
    this.routerIds.clear();
    this.writtenIdentity.clear();
    this.tracker.clear();
  }

  async record(
    devices: readonly DeviceReading[],
    at: Date,
    cycleId: string = randomUUID(),
  ): Promise<RecordedCycle> {
    if (devices.length === 0) return { at, tracked: [], untracked: [], stale: [], roundTrips: 0 };
    const connection = await this.pool.getConnection();
    const sql = countingSql(connection);
    try {
      // Routers this cycle found in the database; `this.routerIds` learns them after the commit.
      const found = new Map<string, number>();
      const idOf = (mac: string) => this.routerIds.get(mac) ?? found.get(mac);
      const storedTotals = new Map<number, StoredRouter>();
      // Routers never written, and known ones whose counters have no baseline yet (they failed
      // validation so far): their stored state is read first.
      const unknown = devices
        .filter((d) => {
          const id = this.routerIds.get(d.identity.mac);
          return id === undefined || (d.counters !== null && !this.tracker.has(id));
        })
        .map((d) => d.identity);
      let begun = false;
      if (unknown.length > 0) {
        const existing = await selectLast(
          sql,
          batch([BEGIN_CYCLE, selectRouters(unknown.map((r) => r.mac))]),
        );
        begun = true;
        const missing = new Set(unknown.map((r) => r.mac));
        const remember = (stored: StoredRouter) => {
          missing.delete(stored.mac);
          found.set(stored.mac, stored.id);
          storedTotals.set(stored.id, stored);
          // Committed data, so safe to resume from even if this transaction fails.
          if (stored.latest !== null) this.tracker.accept(stored.id, stored.latest);
        };
        existing.map(storedRouterOf).forEach(remember);
        if (missing.size > 0) {
          const fresh = unknown.filter((r) => missing.has(r.mac));
          const inserted = await selectLast(
            sql,
            batch([insertRouterIdentities(fresh), selectRouters([...missing])]),
          );
          inserted.map(storedRouterOf).forEach(remember);
        }
      }

      const tracked: TrackedDevice[] = [];
      const untracked: RouterIdentity[] = [];
      const stale: RouterIdentity[] = [];
      const rows: CycleRow[] = [];
      const changedIdentities: Array<{ routerId: number; identity: RouterIdentity }> = [];
      for (const device of devices) {
        const routerId = idOf(device.identity.mac);
        if (routerId === undefined)
          throw new Error(`router ${device.identity.mac} was inserted but cannot be found`);
        if (!sameIdentity(this.writtenIdentity.get(routerId), device.identity)) {
          changedIdentities.push({ routerId, identity: device.identity });
        }
        const counters = device.counters;
        if (counters === null) {
          untracked.push(device.identity);
          rows.push({ routerId, throughput: device.throughput, tracked: null });
          continue;
        }
        const previous = this.tracker.get(routerId) ?? null;
        if (previous !== null && previous.at.getTime() >= at.getTime()) {
          stale.push(device.identity);
          continue;
        }
        const delta = this.tracker.computeDelta(routerId, counters, at);
        tracked.push({
          routerId,
          identity: device.identity,
          counters,
          delta,
          previous,
          rates: device.rates,
        });
        // First tracked: lifetime totals start at the counters (never below what is stored).
        const stored = storedTotals.get(routerId);
        const first = delta.kind === 'baseline';
        rows.push({
          routerId,
          throughput: device.throughput,
          tracked: {
            rxBytes: counters.rxBytes,
            txBytes: counters.txBytes,
            rxDiff: delta.rxDiff,
            txDiff: delta.txDiff,
            isReset: delta.kind === 'reset',
            isGlitch: delta.kind === 'glitch',
            uptime: counters.uptime,
            addRxBytes: first
              ? positive(counters.rxBytes - (stored?.totalRxBytes ?? 0n))
              : delta.rxDiff,
            addTxBytes: first
              ? positive(counters.txBytes - (stored?.totalTxBytes ?? 0n))
              : delta.txDiff,
            coveredSeconds: coveredSeconds(delta, previous, at),
          },
        });
      }

      const identities = updateIdentities(changedIdentities);
      const writes = batch([
        ...(begun ? [] : [BEGIN_CYCLE]),
        ...writeCycle(cycleId, rows, identities, at),
      ]);
      await sql.query(writes.sql, writes.values);

      for (const [mac, id] of found) this.routerIds.set(mac, id);
      for (const { routerId, identity } of changedIdentities)
        this.writtenIdentity.set(routerId, identity);
      for (const t of tracked) this.tracker.accept(t.routerId, { ...t.counters, at });
      return { at, tracked, untracked, stale, roundTrips: sql.roundTrips };
    } catch (error) {
      // The rollback can fail too when the server is gone; the original error is the one to report.
      await connection.query('ROLLBACK').catch(() => {});
      // poll_cycles is the only plain insert with a natural key: a duplicate means a replay.
      if (
        (error as { code?: string }).code === 'ER_DUP_ENTRY' &&
        String((error as { sql?: string }).sql ?? '').includes('poll_cycles')
      ) {
        throw new CycleAlreadyRecorded(`cycle ${cycleId} was already recorded`);
      }
      throw error;
    } finally {
      connection.release();
    }
  }
}

function sameIdentity(a: RouterIdentity | undefined, b: RouterIdentity): boolean {
  return (
    a !== undefined &&
    a.name === b.name &&
    a.ip === b.ip &&
    a.brand === b.brand &&
    a.location === b.location &&
    (a.model ?? null) === (b.model ?? null)
  );
}

/** The time a counted delta measured: what an honest average rate divides by. */
export function coveredSeconds(
  delta: CounterDelta,
  previous: PreviousReading | null,
  at: Date,
): number {
  if (delta.kind !== 'delta' || previous === null) return 0;
  return Math.max(0, (at.getTime() - previous.at.getTime()) / 1000);
}

function positive(value: bigint): bigint {
  return value > 0n ? value : 0n;
}
