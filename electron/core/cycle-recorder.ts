import { randomUUID } from 'node:crypto';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import type {
  CounterDelta,
  CounterReading,
  DeviceReading,
  RouterIdentity,
} from '../../shared/types';
import { formatSql } from './db/connection';
import {
  BEGIN_CYCLE,
  batch,
  type CycleGuard,
  type CycleRow,
  GUARD_REFUSED,
  insertRouterIdentities,
  lockCheck,
  READ_GUARD,
  type Statement,
  type StoredRouter,
  selectRouters,
  storedRouterOf,
  updateIdentities,
  writeCycle,
} from './db/cycle-statements';
import { chunkByBytes, packRoundTrips, readStatementBudget, rowBytes } from './db/packet-size';
import { countingSql, type Sql } from './db/sql';
import { elapsedBetween, type TimedReading } from './elapsed-time';
import type { PollOrigin } from './journal';

/** An upper bound of one MAC in a `WHERE mac_address IN (?)` list. */
const MAC_BYTES = 40;
/** Keeps a single statement a multi-statement round trip, so its rows come last. */
const NO_OP: Statement = { sql: 'DO 0', values: [] };

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
  /** The source these counters came from, when several are polled at once. */
  source?: string;
  /** The reading the router's next delta is measured from, as the recorder keeps it. */
  baseline?: PreviousReading;
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
  /**
   * Known routers whose counters came from another source than the stored ones (another
   * controller, another device behind the MAC): a new baseline, nothing counted.
   */
  newSource?: Array<{ identity: RouterIdentity; storedSource: string; source: string }>;
  /** The poll's source, stored with counters a device's own `source` does not name. */
  source?: string;
  roundTrips: number;
}

/** The cycle was recorded before (a replay): nothing was written again. */
export class CycleAlreadyRecorded extends Error {}

/** This copy no longer held the writer lock at commit time: the cycle was rolled back. */
export class WriterLockLost extends Error {}

/** The connection holding this copy's writer lock broke before the cycle began: nothing was written. */
export class WriterLockBroken extends Error {}

/** How a cycle was polled, for ordering and measuring it. */
export interface CycleContext {
  /** Where the poll came from: which copy, its sequence and monotonic time, which source. */
  origin?: PollOrigin;
  /**
   * Polled by the writer just now (not replayed from the journal): the newest reading there
   * is, whatever the clocks say, so it is never left out as older than the stored one.
   */
  live?: boolean;
}

export interface CycleRecorderOptions {
  /** The writer lock this copy must hold at commit time, and its connection; null when it does not hold it. */
  lockHolder?: () => { name: string; connectionId: number } | null;
}

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
  /** The most one statement may take on this server (`max_allowed_packet`), once read. */
  private statementBudget: number | null = null;
  /** Grows each time this recorder forgets: a cycle prepared before is no longer valid. */
  private generation = 0;

  constructor(
    private readonly pool: Pool,
    limits: TrackerLimits = DEFAULT_LIMITS,
    private readonly options: CycleRecorderOptions = {},
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
    this.forgetBaselines();
  }

  /**
   * Forgets the baselines and identities this copy took as written (a cycle that did not
   * commit, or one prepared that will not be): the next cycle measures from the database. The
   * router ids stay: only committed ones are kept.
   */
  forgetBaselines(): void {
    this.generation += 1;
    this.writtenIdentity.clear();
    this.tracker.clear();
  }

  /**
   * Records one cycle. When another copy wrote some of its routers since this copy measured
   * from them, the transaction finds out before committing (see CycleGuard), rolls back, and
   * the cycle is measured again from the stored counters. `prepared` is this cycle as
   * `prepare` tracked it ahead of time; it is used only while still valid.
   */
  async record(
    devices: readonly DeviceReading[],
    at: Date,
    cycleId: string = randomUUID(),
    context: CycleContext = {},
    prepared: PreparedCycle | null = null,
  ): Promise<RecordedCycle> {
    for (let attempt = 1; ; attempt += 1) {
      const result = await this.recordOnce(
        devices,
        at,
        cycleId,
        context,
        attempt === 1 ? prepared : null,
      );
      if (result !== 'moved') return result;
      if (attempt >= 3)
        throw new Error(
          'Another copy keeps writing the same routers while this one holds the writer lock: check that every copy uses the same database settings',
        );
    }
  }

  /**
   * Tracks a cycle and builds its statements without the database, when every router is known
   * and has a baseline: the poller does this while the cycle before is still being committed.
   * Its baselines are taken at once, as if committed; if that cycle or this one is not, the
   * recorder forgets them all and measures again from the database. Null when the cycle needs
   * the database first (a router new, or without a baseline).
   */
  prepare(
    devices: readonly DeviceReading[],
    at: Date,
    cycleId: string,
    context: CycleContext = {},
  ): PreparedCycle | null {
    const budget = this.statementBudget;
    if (budget === null || devices.length === 0) return null;
    // Looked up once: the plan takes the ids from here.
    const ids: number[] = new Array(devices.length);
    for (let i = 0; i < devices.length; i += 1) {
      const device = devices[i] as DeviceReading;
      const id = this.routerIds.get(device.identity.mac);
      if (id === undefined || (device.counters !== null && !this.tracker.has(id))) return null;
      ids[i] = id;
    }
    const lock = this.options.lockHolder === undefined ? null : this.options.lockHolder();
    if (this.options.lockHolder !== undefined && lock === null) return null;
    return this.plan(devices, at, cycleId, context, new Map(), new Map(), budget, lock, ids);
  }

  /** Whether a prepared cycle still stands on what this recorder holds. */
  isCurrent(
    prepared: PreparedCycle | null,
    cycleId = prepared?.cycleId,
  ): prepared is PreparedCycle {
    return (
      prepared !== null && prepared.generation === this.generation && prepared.cycleId === cycleId
    );
  }

  private async recordOnce(
    devices: readonly DeviceReading[],
    at: Date,
    cycleId: string,
    context: CycleContext,
    prepared: PreparedCycle | null,
  ): Promise<RecordedCycle | 'moved'> {
    if (devices.length === 0) return { at, tracked: [], untracked: [], stale: [], roundTrips: 0 };
    const lock = this.options.lockHolder === undefined ? null : this.options.lockHolder();
    // The lock's connection broke (the server restarted, or went away): like any failed write,
    // the cycle waits in the journal, and the copy claims the lock again when it can.
    if (this.options.lockHolder !== undefined && lock === null) {
      if (prepared !== null) this.forgetBaselines();
      throw new WriterLockBroken(
        'the connection holding this copy’s writer lock broke: cycles are written again once this copy holds the lock',
      );
    }
    let plan = this.isCurrent(prepared, cycleId)
      ? prepared
      : this.prepare(devices, at, cycleId, context);
    let connection: PoolConnection;
    try {
      connection = await this.pool.getConnection();
    } catch (error) {
      // No connection, no commit: what the plan took as written is not.
      if (plan !== null) this.forgetBaselines();
      throw error;
    }
    const sql = countingSql(connection);
    try {
      let begun = false;
      if (plan === null) {
        // Routers never written, and known ones whose counters have no baseline yet (they
        // failed validation so far): their stored state is read first, in the cycle's
        // transaction.
        const found = new Map<string, number>();
        const storedTotals = new Map<number, StoredRouter>();
        const unknown = devices
          .filter((d) => {
            const id = this.routerIds.get(d.identity.mac);
            return id === undefined || (d.counters !== null && !this.tracker.has(id));
          })
          .map((d) => d.identity);
        // One MAC reported twice in a cycle (two sources) reaches here once: see multi-source.ts.

        // The server's statement limit, read once per recorder (not counted as a cycle's round
        // trip) and again after a failed cycle: a cycle is sent in as many
        // statements as it takes to fit, all in its one transaction.
        this.statementBudget ??= await readStatementBudget(countingSql(connection));
        const budget = this.statementBudget;
        if (unknown.length > 0) {
          const macChunks = chunkByBytes(
            unknown.map((r) => r.mac),
            budget - 1_024,
            () => MAC_BYTES,
          );
          const existing: RowDataPacket[] = [];
          for (const macs of macChunks) {
            existing.push(
              ...(await selectLast(sql, batch([begun ? NO_OP : BEGIN_CYCLE, selectRouters(macs)]))),
            );
            begun = true;
          }
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
            const chunks = chunkByBytes(fresh, (budget - 1_024) / 2, (r) =>
              rowBytes(Object.values(r)),
            );
            for (const chunk of chunks) {
              const inserted = await selectLast(
                sql,
                batch([insertRouterIdentities(chunk), selectRouters(chunk.map((r) => r.mac))]),
              );
              inserted.map(storedRouterOf).forEach(remember);
            }
          }
        }
        plan = this.plan(devices, at, cycleId, context, found, storedTotals, budget, lock);
      }

      // The lock may be held on a new connection since the cycle was prepared.
      const statements = sameLock(plan.lock, lock)
        ? plan.statements
        : plan.statements.map((s) => (s.checksLock === true ? lockCheck(lock) : s));
      // Values written in statement by statement (escaped by mysql2): the joined round trip
      // then has none, and its staged rows are never scanned for a `?`.
      const writes = packRoundTrips(
        [...(begun ? [] : [BEGIN_CYCLE]), ...statements].map(withValuesInline),
        this.statementBudget ?? Number.POSITIVE_INFINITY,
      );
      try {
        for (const write of writes) await sql.query(write.sql, write.values);
      } catch (error) {
        if ((error as { code?: string }).code !== GUARD_REFUSED) throw error;
        await connection.query('ROLLBACK').catch(() => {});
        // What this copy took as written is not: measure again from the database.
        this.forgetBaselines();
        const [why] = await sql.query<RowDataPacket[]>(READ_GUARD.sql, READ_GUARD.values);
        if (Number(why?.owner) !== 1) {
          // Held again on a new connection while this commit ran (the poll after it checked
          // the lock meanwhile): the guard asked about the old one. Measured again, guarded
          // by the new one; only a lock this copy no longer holds at all is lost.
          const holder = this.options.lockHolder?.() ?? null;
          if (holder !== null && !sameLock(holder, lock)) return 'moved';
          throw new WriterLockLost('this copy lost the writer lock before it could commit');
        }
        // Another copy wrote some of these routers since: measure them again from the database.
        return 'moved';
      }

      for (const [mac, id] of plan.found) this.routerIds.set(mac, id);
      return { ...plan.cycle, roundTrips: sql.roundTrips };
    } catch (error) {
      // Nothing of this cycle was committed: the baselines and identities taken with it (and
      // with any cycle prepared after it) are forgotten, and read from the database again.
      this.forgetBaselines();
      if (error instanceof WriterLockLost) throw error;
      // The rollback can fail too when the server is gone; the original error is the one to report.
      await connection.query('ROLLBACK').catch(() => {});
      // The server's limit may have changed (a packet it refused often shows only as a reset
      // connection): read it again before the next cycle.
      this.statementBudget = null;
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

  /**
   * Tracks every device of the cycle and builds its statements; then takes the new baselines
   * and identities as written (a failed commit forgets them, see `recordOnce`).
   */
  private plan(
    devices: readonly DeviceReading[],
    at: Date,
    cycleId: string,
    context: CycleContext,
    found: Map<string, number>,
    storedTotals: ReadonlyMap<number, StoredRouter>,
    budget: number,
    lock: { name: string; connectionId: number } | null,
    /** Each device's router id, when already looked up. */
    ids?: readonly number[],
  ): PreparedCycle {
    const origin = context.origin;
    const order = origin === undefined ? null : { copy: origin.copy, sequence: origin.sequence };
    const monotonic = origin === undefined ? null : { copy: origin.copy, ms: origin.monotonicMs };
    const idOf = (mac: string) => this.routerIds.get(mac) ?? found.get(mac);
    const tracked: TrackedDevice[] = [];
    const untracked: RouterIdentity[] = [];
    const stale: RouterIdentity[] = [];
    const newSource: NonNullable<RecordedCycle['newSource']> = [];
    const rows: CycleRow[] = [];
    // One object for every device's delta and covered time, not one each.
    const when = { at, monotonic };
    const changedIdentities: Array<{ routerId: number; identity: RouterIdentity }> = [];
    for (let i = 0; i < devices.length; i += 1) {
      const device = devices[i] as DeviceReading;
      const routerId = ids?.[i] ?? idOf(device.identity.mac);
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
      if (previous !== null && context.live !== true && isOlder({ at, order }, previous)) {
        stale.push(device.identity);
        continue;
      }
      const storedSource = previous?.source ?? null;
      const source = device.source ?? origin?.source ?? null;
      const otherSource = storedSource !== null && source !== null && storedSource !== source;
      if (otherSource) newSource.push({ identity: device.identity, storedSource, source });
      // Counters from another source cannot continue the stored series: a new baseline.
      const delta = otherSource
        ? ({ kind: 'baseline', rxDiff: 0n, txDiff: 0n } as const)
        : this.tracker.computeDelta(routerId, counters, when);
      const trackedDevice: TrackedDevice = {
        routerId,
        identity: device.identity,
        counters,
        delta,
        previous,
        rates: device.rates,
      };
      if (device.source !== undefined) trackedDevice.source = device.source;
      tracked.push(trackedDevice);
      // First tracked: lifetime totals start at the counters (never below what is stored).
      const stored = storedTotals.get(routerId);
      const first = delta.kind === 'baseline' && !otherSource;
      rows.push({
        routerId,
        throughput: device.throughput,
        tracked: trackedRowOf(
          counters,
          delta,
          previous,
          when,
          first ? positive(counters.rxBytes - (stored?.totalRxBytes ?? 0n)) : delta.rxDiff,
          first ? positive(counters.txBytes - (stored?.totalTxBytes ?? 0n)) : delta.txDiff,
        ),
      });
    }

    const identities = updateIdentities(changedIdentities, budget);
    const guard: CycleGuard = {
      order,
      source: origin?.source ?? null,
      lock,
      ...sourcesOfRows(tracked),
    };
    // Statements only: the rows are not kept while the cycle commits.
    const statements = writeCycle(cycleId, rows, identities, at, budget, guard);

    // Taken as written now, so that the next cycle can be prepared while this one commits.
    for (const { routerId, identity } of changedIdentities)
      this.writtenIdentity.set(routerId, identity);
    for (const t of tracked) {
      // The poller's live display takes the same object (`TrackedDevice.baseline`).
      const source = t.source ?? origin?.source ?? t.previous?.source ?? null;
      const baseline = baselineReading(t.counters, when, order, source);
      this.tracker.accept(t.routerId, baseline);
      t.baseline = baseline;
    }
    return {
      generation: this.generation,
      cycleId,
      lock,
      statements,
      found,
      cycle: {
        at,
        tracked,
        untracked,
        stale,
        ...(newSource.length > 0 ? { newSource } : {}),
        ...(origin?.source === undefined ? {} : { source: origin.source }),
      },
    };
  }
}

/** A cycle tracked and turned into statements, waiting to be sent (see `CycleRecorder.prepare`). */
export interface PreparedCycle {
  /** The recorder's state it was built on: stale once the recorder forgot what it held. */
  readonly generation: number;
  readonly cycleId: string;
  readonly lock: { name: string; connectionId: number } | null;
  readonly statements: Statement[];
  /** Routers this cycle found or inserted, remembered once it commits. */
  readonly found: ReadonlyMap<string, number>;
  readonly cycle: Omit<RecordedCycle, 'roundTrips'>;
}

/**
 * The reading a router's next delta is measured from, built field by field (no spread): one
 * object per router and cycle.
 */
export function baselineReading(
  counters: CounterReading,
  when: { at: Date; monotonic: PreviousReading['monotonic'] },
  order: PreviousReading['order'],
  source: string | null,
): PreviousReading {
  const baseline: PreviousReading = {
    rxBytes: counters.rxBytes,
    txBytes: counters.txBytes,
    uptime: counters.uptime,
    at: when.at,
    monotonic: when.monotonic,
    order,
    source,
  };
  if (counters.wraps32 === true) baseline.wraps32 = true;
  return baseline;
}

function withValuesInline(statement: Statement): Statement {
  if (statement.values.length === 0) return statement;
  return { sql: formatSql(statement.sql, statement.values), values: [] };
}

function sameLock(
  a: { name: string; connectionId: number } | null,
  b: { name: string; connectionId: number } | null,
): boolean {
  return (
    a === b || (a !== null && b !== null && a.name === b.name && a.connectionId === b.connectionId)
  );
}

/**
 * Several sources in one cycle: the counters of each router are stored with the source they
 * came from (one statement per source, not per router), instead of the poll's one source.
 */
function sourcesOfRows(tracked: readonly TrackedDevice[]): Pick<CycleGuard, 'sourceGroups'> {
  if (!tracked.some((t) => t.source !== undefined)) return {};
  const groups = new Map<string, number[]>();
  for (const t of tracked) {
    if (t.source === undefined) continue;
    const ids = groups.get(t.source) ?? [];
    ids.push(t.routerId);
    groups.set(t.source, ids);
  }
  return { sourceGroups: [...groups].map(([source, routerIds]) => ({ source, routerIds })) };
}

function sameIdentity(a: RouterIdentity | undefined, b: RouterIdentity): boolean {
  // The parser hands back last poll's object when nothing changed (ReadingMemory).
  if (a === b) return true;
  return (
    a !== undefined &&
    a.name === b.name &&
    a.ip === b.ip &&
    a.brand === b.brand &&
    a.location === b.location &&
    (a.model ?? null) === (b.model ?? null) &&
    (a.role ?? null) === (b.role ?? null) &&
    (a.site ?? null) === (b.site ?? null)
  );
}

/**
 * A replayed reading older than the stored one is left out (the stored one's deltas cover it).
 * Within one copy its poll sequence says which came first, whatever the clock did; between
 * copies (or for readings without an order) the wall clock is the only order they share.
 */
function isOlder(
  reading: { at: Date; order: PreviousReading['order'] },
  stored: PreviousReading,
): boolean {
  if (reading.order != null && stored.order != null && reading.order.copy === stored.order.copy)
    return reading.order.sequence <= stored.order.sequence;
  return stored.at.getTime() >= reading.at.getTime();
}

/**
 * A tracked reading as the cycle's statements store it: the counters, what was counted and
 * why, the seconds it covers, and what the lifetime totals grow by (the delta, or on first
 * sight the starting counters). The live recorder and the demo's history fill both use it.
 */
export function trackedRowOf(
  counters: CounterReading,
  delta: CounterDelta,
  previous: PreviousReading | null,
  when: { at: Date; monotonic?: TimedReading['monotonic'] },
  totalsGrowByRx: bigint,
  totalsGrowByTx: bigint,
): NonNullable<CycleRow['tracked']> {
  return {
    rxBytes: counters.rxBytes,
    txBytes: counters.txBytes,
    rxDiff: delta.rxDiff,
    txDiff: delta.txDiff,
    isReset: delta.kind === 'reset',
    isGlitch: delta.kind === 'glitch',
    isCounterReset: delta.kind === 'delta' && delta.counterReset !== undefined,
    uptime: counters.uptime,
    addRxBytes: totalsGrowByRx,
    addTxBytes: totalsGrowByTx,
    // Readings without a copy or sequence (the demo's simulated polls) have no base order.
    base: previous?.order ?? null,
    coveredSeconds: coveredSeconds(delta, previous, {
      at: when.at,
      uptime: counters.uptime,
      ...(when.monotonic === undefined ? {} : { monotonic: when.monotonic }),
    }),
  };
}

/**
 * The time a counted delta measured: what an honest average rate divides by. Taken from the
 * clocks the tracker trusts (a wall-clock step does not stretch or shrink it; a sleep does
 * count, since the counters carry its traffic).
 */
export function coveredSeconds(
  delta: CounterDelta,
  previous: PreviousReading | null,
  current: TimedReading,
): number {
  // A reboot counted under "count since the reboot" measured the device's uptime.
  if (delta.kind === 'reset' && (delta.rxDiff > 0n || delta.txDiff > 0n)) {
    return current.uptime ?? 0;
  }
  if (delta.kind !== 'delta' || previous === null) return 0;
  const { atLeast, atMost } = elapsedBetween(previous, current);
  // No clock bounds the gap (the wall clock went back since another copy's reading): what
  // surely passed is all that can be said.
  return Math.max(0, Number.isFinite(atMost) ? atMost : atLeast);
}

function positive(value: bigint): bigint {
  return value > 0n ? value : 0n;
}
