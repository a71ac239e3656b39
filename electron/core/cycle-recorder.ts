import { randomUUID } from 'node:crypto';
import type { Pool } from 'mysql2/promise';
import type {
  CounterDelta,
  CounterReading,
  DeviceReading,
  RouterIdentity,
} from '../../shared/types';
import {
  addToRollups,
  batch,
  findRouters,
  insertBandwidthLogs,
  insertRouterIdentities,
  insertSnapshots,
  markCycle,
  type RouterUpdate,
  type Statement,
  updateRouters,
} from './db/cycle-statements';
import { countingSql } from './db/sql';
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

/**
 * Writes one poll cycle in one transaction: routers (identity, totals, baseline), snapshots,
 * rollups and the legacy log. When every router is known this is a single round trip; new
 * routers add two (insert, then read their ids). The tracker's baselines move only once the
 * transaction has committed.
 */
export class CycleRecorder {
  private readonly routerIds = new Map<string, number>();

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
      const ids = new Map(this.routerIds);
      const storedTotals = new Map<number, { rx: bigint; tx: bigint }>();
      const unknown = devices.filter((d) => !ids.has(d.identity.mac)).map((d) => d.identity);
      let begun = false;
      if (unknown.length > 0) {
        const insert = insertRouterIdentities(unknown);
        await sql.query(`START TRANSACTION;\n${insert.sql}`, insert.values);
        begun = true;
        for (const stored of await findRouters(
          sql,
          unknown.map((r) => r.mac),
        )) {
          ids.set(stored.mac, stored.id);
          storedTotals.set(stored.id, { rx: stored.totalRxBytes, tx: stored.totalTxBytes });
          // Committed data, so safe to resume from even if this transaction fails.
          if (stored.latest !== null && !this.tracker.has(stored.id)) {
            this.tracker.accept(stored.id, stored.latest);
          }
        }
      }

      const tracked: TrackedDevice[] = [];
      const untracked: RouterIdentity[] = [];
      const updates: RouterUpdate[] = [];
      const logs = [];
      for (const device of devices) {
        const routerId = ids.get(device.identity.mac);
        if (routerId === undefined)
          throw new Error(`router ${device.identity.mac} was inserted but cannot be found`);
        logs.push({ routerId, throughput: device.throughput });
        if (device.counters === null) {
          untracked.push(device.identity);
          updates.push({ identity: device.identity, tracked: null });
          continue;
        }
        const counters = device.counters;
        const delta = this.tracker.computeDelta(routerId, counters);
        tracked.push({
          routerId,
          identity: device.identity,
          counters,
          delta,
          previous: this.tracker.get(routerId) ?? null,
        });
        // First tracked: lifetime totals start at the counters (never below what is stored).
        const stored = storedTotals.get(routerId) ?? { rx: 0n, tx: 0n };
        const first = delta.kind === 'baseline';
        updates.push({
          identity: device.identity,
          tracked: {
            addRxBytes: first ? positive(counters.rxBytes - stored.rx) : delta.rxDiff,
            addTxBytes: first ? positive(counters.txBytes - stored.tx) : delta.txDiff,
            rxBytes: counters.rxBytes,
            txBytes: counters.txBytes,
            uptime: counters.uptime,
          },
        });
      }

      const snapshots = tracked.map((t) => ({
        routerId: t.routerId,
        rxBytesTotal: t.counters.rxBytes,
        txBytesTotal: t.counters.txBytes,
        rxBytesDiff: t.delta.rxDiff,
        txBytesDiff: t.delta.txDiff,
        isReset: t.delta.kind === 'reset',
        uptime: t.counters.uptime,
      }));
      const writes: Statement[] = [
        markCycle(cycleId, at),
        updateRouters(updates, at),
        ...(snapshots.length > 0
          ? [insertSnapshots(snapshots, at), ...addToRollups(snapshots, at)]
          : []),
        insertBandwidthLogs(logs, at),
      ];
      const all = batch(writes);
      await sql.query(`${begun ? '' : 'START TRANSACTION;\n'}${all.sql};\nCOMMIT`, all.values);

      for (const [mac, id] of ids) this.routerIds.set(mac, id);
      for (const t of tracked) this.tracker.accept(t.routerId, { ...t.counters, at });
      return { at, tracked, untracked, roundTrips: sql.roundTrips };
    } catch (error) {
      // The rollback can fail too when the server is gone; the original error is the one to report.
      await connection.query('ROLLBACK').catch(() => {});
      // Every other insert of the cycle is an upsert or has an automatic key: a duplicate is the cycle marker.
      if ((error as { code?: string }).code === 'ER_DUP_ENTRY') {
        throw new CycleAlreadyRecorded(`cycle ${cycleId} was already recorded`);
      }
      throw error;
    } finally {
      connection.release();
    }
  }
}

function positive(value: bigint): bigint {
  return value > 0n ? value : 0n;
}
