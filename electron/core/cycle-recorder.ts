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
import { BandwidthTracker, type PreviousReading } from './tracker';

export interface TrackedDevice {
  routerId: number;
  identity: RouterIdentity;
  counters: CounterReading;
  delta: CounterDelta;
  /** The reading the delta was measured from; null on the very first sight. */
  previous: PreviousReading | null;
}

export interface RecordedCycle {
  at: Date;
  tracked: TrackedDevice[];
  /** Upserted and logged, but not tracked: their counters failed validation. */
  untracked: RouterIdentity[];
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
 */
export class CycleRecorder {
  private readonly routerIds = new Map<string, number>();
  /** The identity last written per router, so unchanged names are not rewritten every cycle. */
  private readonly writtenIdentity = new Map<number, RouterIdentity>();

  constructor(
    private readonly pool: Pool,
    readonly tracker: BandwidthTracker = new BandwidthTracker(),
  ) {}

  async record(
    devices: readonly DeviceReading[],
    at: Date,
    cycleId: string = randomUUID(),
  ): Promise<RecordedCycle> {
    if (devices.length === 0) return { at, tracked: [], untracked: [], roundTrips: 0 };
    const connection = await this.pool.getConnection();
    const sql = countingSql(connection);
    try {
      // Routers this cycle found in the database; `this.routerIds` learns them after the commit.
      const found = new Map<string, number>();
      const idOf = (mac: string) => this.routerIds.get(mac) ?? found.get(mac);
      const storedTotals = new Map<number, StoredRouter>();
      const unknown = devices
        .filter((d) => !this.routerIds.has(d.identity.mac))
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
          if (stored.latest !== null && !this.tracker.has(stored.id))
            this.tracker.accept(stored.id, stored.latest);
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
        const delta = this.tracker.computeDelta(routerId, counters);
        tracked.push({
          routerId,
          identity: device.identity,
          counters,
          delta,
          previous: this.tracker.get(routerId) ?? null,
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
            uptime: counters.uptime,
            addRxBytes: first
              ? positive(counters.rxBytes - (stored?.totalRxBytes ?? 0n))
              : delta.rxDiff,
            addTxBytes: first
              ? positive(counters.txBytes - (stored?.totalTxBytes ?? 0n))
              : delta.txDiff,
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
      return { at, tracked, untracked, roundTrips: sql.roundTrips };
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
    a.location === b.location
  );
}

function positive(value: bigint): bigint {
  return value > 0n ? value : 0n;
}
