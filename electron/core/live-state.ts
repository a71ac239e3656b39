import type { Pool, RowDataPacket } from 'mysql2/promise';
import {
  type LiveTotals,
  type RouterFreshness,
  type RouterLive,
  SPARKLINE_SLOT_MS,
  SPARKLINE_SLOTS,
} from '../../shared/ipc-contract';
import { type EdgeSet, edgeSetOf, type RoleOfRouter } from '../../shared/router-role';
import type { RouterRole } from '../../shared/types';
import { bytesToMbps } from '../../shared/units';
import { localDateOf, startOfLocalDate } from '../../shared/zoned-time';
import type { RecordedCycle } from './cycle-recorder';
import { addBytes, compactBytes, type ExactBytes, largerBytes } from './exact-bytes';

const REBOOT_BADGE_MS = 60 * 60 * 1000;

/**
 * A router's live figures as kept here: the contract's fields, with exact counts and Dates.
 * Counts are numbers while exact (see exact-bytes.ts): updated in place every cycle, they
 * allocate nothing, where a bigint per count per cycle filled the old generation.
 */
interface RouterFigures
  extends Pick<RouterLive, 'id' | 'mac' | 'name' | 'ip' | 'location' | 'rxMbps' | 'txMbps'> {
  site?: string | null;
  source?: string | null;
  todayRx: ExactBytes;
  todayTx: ExactBytes;
  lifetimeRx: ExactBytes;
  lifetimeTx: ExactBytes;
  lastSeenAt: Date | null;
  lastRebootAt: Date | null;
  monthRx: ExactBytes;
  monthTx: ExactBytes;
  /** A rate was measured (two readings, or the source's own): until then the popover says "measuring…". */
  rateKnown: boolean;
  /** Rates of the last hour's polls (RX + TX Mbps), oldest first, at most one per slot. */
  samples: RateSamples;
  sourceRole: RouterRole | null;
  markedRole: RouterRole | null;
}

const SPARKLINE_SPAN_MS = SPARKLINE_SLOT_MS * SPARKLINE_SLOTS;

/**
 * Rates of the last hour, oldest first: per sample a poll's time and rate (RX + TX Mbps), or
 * the average of `weight` polls merged because they fell in one slot. One flat array of
 * numbers (time, rate, weight, time, rate, weight...), stored unboxed: a sample was an object
 * with two or three boxed numbers (about 100 bytes; 30 per router, 30 MB at 10,000 routers
 * after an hour), it is 24 bytes now.
 */
export class RateSamples {
  private readonly values: number[] = [];

  get length(): number {
    return this.values.length / 3;
  }

  at(index: number): number {
    return this.values[3 * index] as number;
  }

  mbps(index: number): number {
    return this.values[3 * index + 1] as number;
  }

  weight(index: number): number {
    return this.values[3 * index + 2] as number;
  }

  push(at: number, mbps: number): void {
    this.values.push(at, mbps, 1);
  }

  /** Appends a poll's rate and drops the samples older than the sparkline's hour. */
  keepLastHour(at: number, mbps: number): void {
    // Polls in the same sparkline slot are averaged into one sample: memory per router stays
    // bounded (at most one sample per slot) however fast the polls come, and nothing is allocated.
    const values = this.values;
    const last = values.length - 3;
    if (
      last >= 0 &&
      Math.floor((values[last] as number) / SPARKLINE_SLOT_MS) ===
        Math.floor(at / SPARKLINE_SLOT_MS)
    ) {
      const weight = values[last + 2] as number;
      values[last + 1] = ((values[last + 1] as number) * weight + mbps) / (weight + 1);
      values[last + 2] = weight + 1;
      values[last] = at;
      return;
    }
    values.push(at, mbps, 1);
    let old = 0;
    while (old < values.length && (values[old] as number) <= at - SPARKLINE_SPAN_MS) old += 3;
    if (old > 0) {
      values.copyWithin(0, old);
      values.length -= old;
    }
  }
}

const SPARKLINE_SUMS = new Float64Array(SPARKLINE_SLOTS);
const SPARKLINE_COUNTS = new Uint32Array(SPARKLINE_SLOTS);

/** Averages samples into the sparkline's slots ending at `now`; null where nothing was measured. */
export function sparklineOf(samples: RateSamples, now: number): Array<number | null> {
  // Scratch sums and counts reused by every call: a view per router per cycle allocates only
  // the array it returns.
  const sums = SPARKLINE_SUMS.fill(0);
  const counts = SPARKLINE_COUNTS.fill(0);
  for (let i = 0; i < samples.length; i += 1) {
    const age = now - samples.at(i);
    const mbps = samples.mbps(i);
    const weight = samples.weight(i);
    if (age < 0 || age >= SPARKLINE_SPAN_MS) continue;
    const slot = SPARKLINE_SLOTS - 1 - Math.floor(age / SPARKLINE_SLOT_MS);
    sums[slot] = (sums[slot] ?? 0) + mbps * weight;
    counts[slot] = (counts[slot] ?? 0) + weight;
  }
  const line = new Array<number | null>(SPARKLINE_SLOTS);
  for (let i = 0; i < SPARKLINE_SLOTS; i += 1) {
    const count = counts[i] ?? 0;
    line[i] = count === 0 ? null : (sums[i] ?? 0) / count;
  }
  return line;
}

/**
 * What the tray, the popover and the state call show: per router live rate, today's and
 * lifetime totals. Loaded from MySQL once, then kept current from each recorded cycle so a
 * cycle costs no extra query.
 */
export class LiveState {
  private readonly routers = new Map<number, RouterFigures>();
  /** The same routers by MAC; kept in step with `routers` wherever one is added. */
  private readonly idsByMac = new Map<string, number>();
  private todayKey = '';
  private monthKey = '';
  private lastCycleAt: Date | null = null;
  /** Total rate of the edge routers at each cycle in the last hour, for the header's sparkline. */
  private totalSamples = new RateSamples();
  /** The routers the headline adds up, kept here so a cycle never asks MySQL for it. */
  private edge: EdgeSet = { ids: new Set(), rule: 'all' };
  private edgeKey = '';
  private edgeChanges = 0;
  /** The routers the last applied cycle changed (one array, reused every cycle). */
  private readonly changed: RouterFigures[] = [];

  constructor(
    /** The zone whose local midnight starts "today" and whose first of the month starts "this month". */
    readonly timeZone: string = Intl.DateTimeFormat().resolvedOptions().timeZone,
  ) {}

  get lastPollAt(): Date | null {
    return this.lastCycleAt;
  }

  /** Counts changes of the edge set (a router appeared, a mark changed): every page needs the full state then. */
  get edgeVersion(): number {
    return this.edgeChanges;
  }

  /** How many routers are known: grows when a cycle brings a new one. */
  get routerCount(): number {
    return this.routers.size;
  }

  /** The roles as stored in MySQL (read again after a mark, or made by another copy). */
  applyRoles(roles: readonly RoleOfRouter[]): void {
    for (const role of roles) {
      const router = this.routers.get(role.id);
      if (router === undefined) continue;
      router.sourceRole = role.sourceRole;
      router.markedRole = role.markedRole;
    }
    this.updateEdge();
  }

  /** Recomputes the edge set; when it changed, the header's sparkline is rebuilt from it. */
  private updateEdge(): void {
    const edge = edgeSetOf(
      [...this.routers.values()].map((r) => ({
        id: r.id,
        sourceRole: r.sourceRole,
        markedRole: r.markedRole,
      })),
    );
    const key = `${edge.rule}:${[...edge.ids].sort((a, b) => a - b).join(',')}`;
    const marks = [...this.routers.values()].map((r) => `${r.markedRole ?? ''}`).join(',');
    if (`${key}|${marks}` === this.edgeKey) return;
    this.edgeKey = `${key}|${marks}`;
    this.edge = edge;
    this.edgeChanges += 1;
    this.totalSamples = edgeSparklineSamples(
      [...edge.ids].flatMap((id) => this.routers.get(id)?.samples ?? []),
    );
  }

  /** One query: every router with its lifetime totals, today's traffic and last reboot (from the hourly rollup). */
  async load(pool: Pool, now: Date): Promise<void> {
    const today = localDateOf(now, this.timeZone);
    const midnight = startOfLocalDate(today, this.timeZone);
    const monthStartLocal = startOfLocalDate({ ...today, day: 1 }, this.timeZone);
    // Rollup hours are UTC hours: in a zone with a half-hour offset "today" starts 30 min early.
    const todayStart = new Date(Math.floor(midnight.getTime() / 3_600_000) * 3_600_000);
    const monthStart = new Date(Math.floor(monthStartLocal.getTime() / 3_600_000) * 3_600_000);
    const [rows] = await pool.query<RowDataPacket[]>(
      `SELECT r.id, r.mac_address, r.name, r.ip_address, r.location, r.total_rx_bytes, r.total_tx_bytes,
              r.last_bandwidth_update, r.source_role, r.marked_role,
              r.last_bandwidth_update, r.site, r.counter_source,
              COALESCE(t.rx, 0) AS today_rx, COALESCE(t.tx, 0) AS today_tx, t.last_reset,
              COALESCE(t.month_rx, 0) AS month_rx, COALESCE(t.month_tx, 0) AS month_tx
         FROM routers r
         LEFT JOIN (SELECT router_id, SUM(IF(hour_start >= ?, rx_bytes, 0)) AS rx,
                           SUM(IF(hour_start >= ?, tx_bytes, 0)) AS tx,
                           SUM(rx_bytes) AS month_rx, SUM(tx_bytes) AS month_tx,
                           MAX(IF(resets > 0 AND hour_start >= ?, hour_start, NULL)) AS last_reset
                      FROM bandwidth_hourly WHERE hour_start >= ? GROUP BY router_id) t
           ON t.router_id = r.id
        WHERE r.mac_address IS NOT NULL`,
      [
        todayStart,
        todayStart,
        todayStart,
        new Date(Math.min(monthStart.getTime(), todayStart.getTime())),
      ],
    );
    this.routers.clear();
    this.idsByMac.clear();
    this.changed.length = 0;
    this.todayKey = this.dayKey(now);
    this.monthKey = this.dayKey(now).slice(0, this.dayKey(now).lastIndexOf('-'));
    for (const row of rows) {
      this.idsByMac.set(String(row.mac_address), Number(row.id));
      this.routers.set(Number(row.id), {
        id: Number(row.id),
        mac: String(row.mac_address),
        name: String(row.name ?? row.mac_address),
        ip: row.ip_address ?? null,
        location: row.location ?? null,
        site: row.site ?? null,
        source: row.counter_source ?? null,
        rxMbps: 0,
        txMbps: 0,
        todayRx: compactBytes(BigInt(row.today_rx)),
        todayTx: compactBytes(BigInt(row.today_tx)),
        lifetimeRx: compactBytes(BigInt(row.total_rx_bytes)),
        lifetimeTx: compactBytes(BigInt(row.total_tx_bytes)),
        lastSeenAt: row.last_bandwidth_update ?? null,
        lastRebootAt: row.last_reset ?? null,
        monthRx: compactBytes(BigInt(row.month_rx)),
        monthTx: compactBytes(BigInt(row.month_tx)),
        rateKnown: false,
        samples: new RateSamples(),
        sourceRole: (row.source_role as RouterRole | null) ?? null,
        markedRole: (row.marked_role as RouterRole | null) ?? null,
      });
    }
    this.updateEdge();
    await this.loadLastHour(pool, now);
  }

  /**
   * The sparklines after a restart: each router's rate between consecutive snapshots of the
   * last hour (the reset and glitch ones counted nothing, so they are left out).
   */
  private async loadLastHour(pool: Pool, now: Date): Promise<void> {
    this.totalSamples = new RateSamples();
    // Two hours of one-minute polls is 120 rows per router: beyond a thousand routers the
    // sparklines start from live polls instead (a reader copy loads every interval).
    if (this.routers.size > 1000) return;
    const [rows] = await pool.query<RowDataPacket[]>({
      sql: `SELECT router_id, TIMESTAMPDIFF(MICROSECOND, '1970-01-01', timestamp) DIV 1000,
                   rx_bytes_diff + tx_bytes_diff, is_reset OR is_glitch
              FROM bandwidth_snapshots WHERE timestamp >= ? ORDER BY id`,
      // The hour before too, for the readings the first ones of this hour are measured from.
      values: [new Date(now.getTime() - 2 * SPARKLINE_SPAN_MS)],
      rowsAsArray: true,
    });
    const previousAt = new Map<number, number>();
    const totals = new Map<number, number>();
    for (const row of rows as unknown as Array<[number, string | number, string, number]>) {
      const id = Number(row[0]);
      const at = Number(row[1]);
      const before = previousAt.get(id);
      previousAt.set(id, at);
      const router = this.routers.get(id);
      if (before === undefined || router === undefined || Number(row[3]) !== 0 || at <= before)
        continue;
      if (at < now.getTime() - SPARKLINE_SPAN_MS) continue;
      const mbps = bytesToMbps(BigInt(row[2]), at - before);
      router.samples.push(at, mbps);
      if (this.edge.ids.has(id)) totals.set(at, (totals.get(at) ?? 0) + mbps);
    }
    for (const [at, mbps] of [...totals].sort((a, b) => a[0] - b[0]))
      this.totalSamples.push(at, mbps);
  }

  /** Applies a recorded cycle; returns the routers it changed. */
  applyCycle(cycle: RecordedCycle): RouterLive[] {
    this.apply(cycle);
    return this.changedViews();
  }

  /**
   * The routers the last applied cycle changed, as the pages see them. Built only when asked:
   * with no page open, 10,000 views a cycle (strings and a sparkline each) were pure garbage.
   */
  changedViews(): RouterLive[] {
    const at = this.lastCycleAt ?? new Date();
    return this.changed.map((router) => this.view(router, at));
  }

  /** How many routers the last applied cycle changed. */
  get changedCount(): number {
    return this.changed.length;
  }

  /** The views of these routers, as `routerList` has them; unknown ids are left out. */
  viewsOf(ids: readonly number[], now: Date): RouterLive[] {
    const views: RouterLive[] = [];
    for (const id of ids) {
      const router = this.routers.get(id);
      if (router !== undefined) views.push(this.view(router, now));
    }
    return views;
  }

  /** Applies a recorded cycle to the figures; `changedViews` then says what changed. */
  apply(cycle: RecordedCycle): void {
    const key = this.dayKey(cycle.at);
    if (key !== this.todayKey) {
      // Local midnight passed: today starts from zero.
      for (const router of this.routers.values()) {
        router.todayRx = 0;
        router.todayTx = 0;
      }
      this.todayKey = key;
    }
    const month = key.slice(0, key.lastIndexOf('-'));
    if (month !== this.monthKey) {
      for (const router of this.routers.values()) {
        router.monthRx = 0;
        router.monthTx = 0;
      }
      this.monthKey = month;
    }
    this.lastCycleAt = cycle.at;
    const changed = this.changed;
    changed.length = 0;
    const routersBefore = this.routers.size;
    let rolesMoved = false;
    const now = cycle.at.getTime();
    const tracked = cycle.tracked;
    for (let i = 0; i < tracked.length; i += 1) {
      const device = tracked[i] as RecordedCycle['tracked'][number];
      const router = this.ensure(device.routerId, device.identity);
      // The cycle stores a role the source now says (COALESCE keeps the old one for null).
      const said = device.identity.role ?? null;
      if (said !== null && said !== router.sourceRole) {
        router.sourceRole = said;
        rolesMoved = true;
      }
      // What `counter_source` now holds for it: a router new since the start has its source too.
      router.source = device.source ?? cycle.source ?? router.source;
      const { delta, previous, counters } = device;
      // The deltas as numbers while exact (-1 past 2^53): the figures grow with no bigint made.
      const rx = delta.rxDiff <= MAX_EXACT ? Number(delta.rxDiff) : -1;
      const tx = delta.txDiff <= MAX_EXACT ? Number(delta.txDiff) : -1;
      if (delta.kind === 'baseline') {
        router.lifetimeRx = largerBytes(router.lifetimeRx, compactBytes(counters.rxBytes));
        router.lifetimeTx = largerBytes(router.lifetimeTx, compactBytes(counters.txBytes));
      } else {
        router.lifetimeRx = grown(router.lifetimeRx, rx, delta.rxDiff);
        router.lifetimeTx = grown(router.lifetimeTx, tx, delta.txDiff);
      }
      router.todayRx = grown(router.todayRx, rx, delta.rxDiff);
      router.todayTx = grown(router.todayTx, tx, delta.txDiff);
      router.monthRx = grown(router.monthRx, rx, delta.rxDiff);
      router.monthTx = grown(router.monthTx, tx, delta.txDiff);
      const elapsed = previous === null ? 0 : now - previous.at.getTime();
      // A source that measures rates itself (a UniFi controller) is more current than two polls.
      const rates = device.rates ?? null;
      const counted = delta.kind === 'delta';
      router.rxMbps = rateMbps(rates?.rxBytesPerSecond, counted, rx, delta.rxDiff, elapsed);
      router.txMbps = rateMbps(rates?.txBytesPerSecond, counted, tx, delta.txDiff, elapsed);
      router.lastSeenAt = cycle.at;
      if (delta.kind === 'reset') router.lastRebootAt = cycle.at;
      if (counted || rates !== null) {
        router.rateKnown = true;
        router.samples.keepLastHour(now, router.rxMbps + router.txMbps);
      }
      changed.push(router);
    }
    if (rolesMoved || this.routers.size !== routersBefore) this.updateEdge();
    // The header's sparkline needs the rate alone, not the byte totals and their strings.
    this.totalSamples.keepLastHour(now, this.edgeMbps());
    for (const identity of cycle.untracked) {
      const id = this.idsByMac.get(identity.mac);
      const existing = id === undefined ? undefined : this.routers.get(id);
      if (existing !== undefined) changed.push(existing);
    }
  }

  /** The id of a router known to the database, by MAC. */
  routerIdOf(mac: string): number | undefined {
    return this.idsByMac.get(mac);
  }

  routerList(now: Date): RouterLive[] {
    return [...this.routers.values()].map((router) => this.view(router, now));
  }

  /** The edge routers' current rate (RX + TX Mbps), as `totals` adds it up. */
  private edgeMbps(): number {
    let rxMbps = 0;
    let txMbps = 0;
    for (const id of this.edge.ids) {
      const router = this.routers.get(id);
      if (router === undefined || !this.seenInLastCycle(router)) continue;
      rxMbps += router.rxMbps;
      txMbps += router.txMbps;
    }
    return rxMbps + txMbps;
  }

  /** The headline: the edge routers' figures (every router's when none is the edge). */
  totals(): LiveTotals {
    let rxMbps = 0;
    let txMbps = 0;
    let todayRx: ExactBytes = 0;
    let todayTx: ExactBytes = 0;
    let monthRx: ExactBytes = 0;
    let monthTx: ExactBytes = 0;
    for (const id of this.edge.ids) {
      const router = this.routers.get(id);
      if (router === undefined) continue;
      const fresh = this.seenInLastCycle(router);
      if (fresh) {
        rxMbps += router.rxMbps;
        txMbps += router.txMbps;
      }
      todayRx = addBytes(todayRx, router.todayRx);
      todayTx = addBytes(todayTx, router.todayTx);
      monthRx = addBytes(monthRx, router.monthRx);
      monthTx = addBytes(monthTx, router.monthTx);
    }
    return {
      rxMbps,
      txMbps,
      todayRxBytes: String(todayRx),
      todayTxBytes: String(todayTx),
      monthRxBytes: String(monthRx),
      monthTxBytes: String(monthTx),
      sparkline: sparklineOf(this.totalSamples, this.lastCycleAt?.getTime() ?? Date.now()),
      edgeRule: this.edge.rule,
    };
  }

  private ensure(
    id: number,
    identity: {
      mac: string;
      name: string;
      ip: string | null;
      location: string | null;
      role?: RouterRole | null;
      site?: string | null;
    },
  ): RouterFigures {
    let router = this.routers.get(id);
    if (router === undefined) {
      // The fields in the order load() gives them: one shape for every router, however made.
      router = {
        id,
        mac: identity.mac,
        name: identity.name,
        ip: identity.ip,
        location: identity.location,
        site: identity.site ?? null,
        source: null,
        rxMbps: 0,
        txMbps: 0,
        todayRx: 0,
        todayTx: 0,
        lifetimeRx: 0,
        lifetimeTx: 0,
        lastSeenAt: null,
        lastRebootAt: null,
        monthRx: 0,
        monthTx: 0,
        rateKnown: false,
        samples: new RateSamples(),
        sourceRole: identity.role ?? null,
        // A mark made before it was polled by this copy arrives with the next roles refresh.
        markedRole: null,
      };
      this.routers.set(id, router);
      this.idsByMac.set(router.mac, id);
    }
    router.name = identity.name;
    router.ip = identity.ip ?? router.ip;
    router.location = identity.location ?? router.location;
    router.site = identity.site ?? router.site ?? null;
    return router;
  }

  private view(router: RouterFigures, now: Date): RouterLive {
    const stale = !this.seenInLastCycle(router);
    let freshness: RouterFreshness = stale ? 'stale' : 'fresh';
    if (
      router.lastRebootAt !== null &&
      now.getTime() - router.lastRebootAt.getTime() < REBOOT_BADGE_MS
    ) {
      freshness = 'rebooted';
    }
    return {
      id: router.id,
      mac: router.mac,
      name: router.name,
      ip: router.ip,
      location: router.location,
      ...(router.site == null ? {} : { site: router.site }),
      ...(router.source == null ? {} : { source: router.source }),
      rxMbps: stale ? 0 : router.rxMbps,
      txMbps: stale ? 0 : router.txMbps,
      todayRxBytes: String(router.todayRx),
      todayTxBytes: String(router.todayTx),
      lifetimeRxBytes: String(router.lifetimeRx),
      lifetimeTxBytes: String(router.lifetimeTx),
      lastSeenAt: router.lastSeenAt?.toISOString() ?? null,
      lastRebootAt: router.lastRebootAt?.toISOString() ?? null,
      freshness,
      measuring: !router.rateKnown,
      monthRxBytes: String(router.monthRx),
      monthTxBytes: String(router.monthTx),
      sparkline: sparklineOf(router.samples, now.getTime()),
      sourceRole: router.sourceRole,
      markedRole: router.markedRole,
      edge: this.edge.ids.has(router.id),
    };
  }

  private seenInLastCycle(router: RouterFigures): boolean {
    return (
      router.lastSeenAt !== null && router.lastSeenAt.getTime() === this.lastCycleAt?.getTime()
    );
  }

  private dayKey(at: Date): string {
    const { year, month, day } = localDateOf(at, this.timeZone);
    return `${year}-${month}-${day}`;
  }
}

/**
 * The header's samples rebuilt from the edge routers' own (after the edge set changed): per
 * sparkline slot, the sum of each router's average in it.
 */
function edgeSparklineSamples(routers: readonly RateSamples[]): RateSamples {
  const slots = new Map<number, { at: number; mbps: number }>();
  for (const samples of routers) {
    for (let i = 0; i < samples.length; i += 1) {
      const at = samples.at(i);
      const slot = Math.floor(at / SPARKLINE_SLOT_MS);
      const total = slots.get(slot);
      if (total === undefined) slots.set(slot, { at, mbps: samples.mbps(i) });
      else {
        total.mbps += samples.mbps(i);
        total.at = Math.max(total.at, at);
      }
    }
  }
  const sums = new RateSamples();
  for (const { at, mbps } of [...slots.values()].sort((a, b) => a.at - b.at)) sums.push(at, mbps);
  return sums;
}

/** Counts up to this are exact as numbers. */
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** `sum + exact`, where `add` is `exact` as a number (-1 when it is not exact as one). */
function grown(sum: ExactBytes, add: number, exact: bigint): ExactBytes {
  if (typeof sum === 'number' && add >= 0) {
    const result = sum + add;
    // Two safe integers whose true sum passes 2^53 - 1 round to 2^53 or more: never safe.
    if (result <= Number.MAX_SAFE_INTEGER) return result;
  }
  return addBytes(sum, exact);
}

/** A counted delta over the time between polls, in Mbps (`add`: the delta as a number, or -1). */
/** A router's live rate: the one its source measured, else what the poll counted, else 0. */
function rateMbps(
  measuredBytesPerSecond: number | undefined,
  counted: boolean,
  add: number,
  exact: bigint,
  elapsedMs: number,
): number {
  if (measuredBytesPerSecond !== undefined) return (measuredBytesPerSecond * 8) / 1_000_000;
  return counted ? countedMbps(add, exact, elapsedMs) : 0;
}

function countedMbps(add: number, exact: bigint, elapsedMs: number): number {
  return add >= 0 ? bytesToMbps(add, elapsedMs) : bytesToMbps(exact, elapsedMs);
}
