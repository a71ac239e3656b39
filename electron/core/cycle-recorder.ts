import type { Pool } from 'mysql2/promise';
import type {
  CounterDelta,
  CounterReading,
  DeviceReading,
  RouterIdentity,
} from '../../shared/types';
import {
  addToRouterTotals,
  findRoutersWithLatestSnapshot,
  insertBandwidthLogs,
  insertSnapshots,
  upsertRouters,
} from './db/cycle-statements';
import { withTransaction } from './db/sql';
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

/**
 * Writes one poll cycle in one transaction: routers, snapshots, totals, legacy log.
 * The tracker's baselines move only once the transaction has committed.
 */
export class CycleRecorder {
  private readonly routerIds = new Map<string, number>();

  constructor(
    private readonly pool: Pool,
    readonly tracker: BandwidthTracker = new BandwidthTracker(),
  ) {}

  async record(devices: readonly DeviceReading[], at: Date): Promise<RecordedCycle> {
    if (devices.length === 0) return { at, tracked: [], untracked: [], roundTrips: 0 };

    const { result, roundTrips } = await withTransaction(this.pool, async (sql) => {
      await upsertRouters(
        sql,
        devices.map((d) => d.identity),
      );
      const ids = new Map(this.routerIds);
      const unknownMacs = devices.map((d) => d.identity.mac).filter((mac) => !ids.has(mac));
      if (unknownMacs.length > 0) {
        for (const stored of await findRoutersWithLatestSnapshot(sql, unknownMacs)) {
          ids.set(stored.mac, stored.id);
          // Committed data, so safe to resume from even if this transaction fails.
          if (stored.latest !== null && !this.tracker.has(stored.id)) {
            this.tracker.accept(stored.id, stored.latest);
          }
        }
      }
      const routerIdOf = (mac: string): number => {
        const id = ids.get(mac);
        if (id === undefined) throw new Error(`router ${mac} was upserted but cannot be found`);
        return id;
      };

      const tracked: TrackedDevice[] = [];
      const untracked: RouterIdentity[] = [];
      for (const device of devices) {
        const routerId = routerIdOf(device.identity.mac);
        if (device.counters === null) {
          untracked.push(device.identity);
          continue;
        }
        tracked.push({
          routerId,
          identity: device.identity,
          counters: device.counters,
          delta: this.tracker.computeDelta(routerId, device.counters),
          previous: this.tracker.get(routerId) ?? null,
        });
      }

      if (tracked.length > 0) {
        await insertSnapshots(
          sql,
          tracked.map((t) => ({
            routerId: t.routerId,
            rxBytesTotal: t.counters.rxBytes,
            txBytesTotal: t.counters.txBytes,
            rxBytesDiff: t.delta.rxDiff,
            txBytesDiff: t.delta.txDiff,
            isReset: t.delta.kind === 'reset',
            uptime: t.counters.uptime,
          })),
          at,
        );
        await addToRouterTotals(
          sql,
          tracked.map((t) => {
            const firstTracked = t.delta.kind === 'baseline';
            return {
              routerId: t.routerId,
              firstTracked,
              rxBytes: firstTracked ? t.counters.rxBytes : t.delta.rxDiff,
              txBytes: firstTracked ? t.counters.txBytes : t.delta.txDiff,
            };
          }),
          at,
        );
      }
      await insertBandwidthLogs(
        sql,
        devices.map((d) => ({ routerId: routerIdOf(d.identity.mac), throughput: d.throughput })),
        at,
      );
      return { tracked, untracked, ids };
    });

    for (const [mac, id] of result.ids) this.routerIds.set(mac, id);
    for (const t of result.tracked) this.tracker.accept(t.routerId, { ...t.counters, at });
    return { at, tracked: result.tracked, untracked: result.untracked, roundTrips };
  }
}
