import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { QuotaDirection } from '../../../shared/quota';

export interface ByteTotals {
  rx: bigint;
  tx: bigint;
}

export interface UsageWindow {
  /** Routers counted; null means every router (no filter, the cheapest read). */
  routerIds: readonly number[] | null;
  /** UTC hours: from the hour the period starts in, to the hour it ends in. */
  from: Date;
  to: Date;
  /** The recent window's first hour, inside [from, to). */
  recentFrom: Date;
}

export interface UsageTotals {
  all: ByteTotals;
  recent: ByteTotals;
  /** Seconds the recent bytes cover, per router (what the polls measured, not the clock). */
  recentSeconds: number;
  /** The same for all the bytes of the period. */
  allSeconds: number;
}

export function bytesFor(totals: ByteTotals, direction: QuotaDirection): bigint {
  if (direction === 'down') return totals.rx;
  if (direction === 'up') return totals.tx;
  return totals.rx + totals.tx;
}

const HOUR_MS = 3_600_000;

function big(value: unknown): bigint {
  return BigInt(String(value ?? '0').split('.')[0] ?? '0');
}

/** Finished hours of one period, summed so far. */
interface FinishedHours {
  /** Hours before this instant are in the sums. */
  through: number;
  all: ByteTotals;
  /** The recent sums count hours from here. */
  recentFrom: number;
  recent: ByteTotals;
  recentSeconds: number;
  allSeconds: number;
  /** When the period was last summed whole. */
  summedAt: number;
}

/** Summed whole again this often, to take in cycles a journal replayed into earlier hours. */
const RESUM_MS = 24 * HOUR_MS;

/**
 * The period's usage from the hourly rollup. The finished hours are summed once, then each new
 * finished hour is added and each hour leaving the recent window taken out, and every poll reads
 * only the current hour: a month of 10,000 routers is summed once a day, not every poll.
 */
export class UsageReader {
  private readonly finished = new Map<string, FinishedHours>();
  /** One read at a time: a page asking while a cycle checks must not add an hour twice. */
  private queue: Promise<unknown> = Promise.resolve();

  read(db: Pool, window: UsageWindow, now: Date): Promise<UsageTotals> {
    const next = this.queue.then(() => this.readNow(db, window, now));
    this.queue = next.catch(() => {});
    return next;
  }

  private async readNow(db: Pool, window: UsageWindow, now: Date): Promise<UsageTotals> {
    const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
    const finishedEnd = new Date(Math.min(currentHour, window.to.getTime()));
    const key = `${window.from.getTime()}|${window.to.getTime()}|${window.routerIds?.join(',') ?? '*'}`;
    let state = this.finished.get(key);
    if (state === undefined || now.getTime() - state.summedAt > RESUM_MS) {
      // Periods move on: what is kept is only the periods read lately.
      if (state === undefined && this.finished.size > 100) this.finished.clear();
      const whole = await this.sum(db, window, window.from, finishedEnd);
      state = {
        through: finishedEnd.getTime(),
        all: whole.all,
        recentFrom: window.recentFrom.getTime(),
        recent: whole.recent,
        recentSeconds: whole.recentSeconds,
        allSeconds: whole.allSeconds,
        summedAt: now.getTime(),
      };
      this.finished.set(key, state);
    }
    if (window.recentFrom.getTime() > state.recentFrom) {
      const leaving = await this.sum(
        db,
        { ...window, recentFrom: new Date(state.recentFrom) },
        new Date(state.recentFrom),
        window.recentFrom,
      );
      state.recent = subtract(state.recent, leaving.recent);
      state.recentSeconds = Math.max(0, state.recentSeconds - leaving.recentSeconds);
      state.recentFrom = window.recentFrom.getTime();
    }
    if (finishedEnd.getTime() > state.through) {
      const added = await this.sum(db, window, new Date(state.through), finishedEnd);
      state.all = add(state.all, added.all);
      state.recent = add(state.recent, added.recent);
      state.recentSeconds += added.recentSeconds;
      state.allSeconds += added.allSeconds;
      state.through = finishedEnd.getTime();
    }
    const kept: UsageTotals = {
      all: state.all,
      recent: state.recent,
      recentSeconds: state.recentSeconds,
      allSeconds: state.allSeconds,
    };
    if (currentHour >= window.to.getTime()) return kept;
    const current = await this.sum(
      db,
      window,
      new Date(Math.max(currentHour, window.from.getTime())),
      window.to,
    );
    return {
      all: add(kept.all, current.all),
      recent: add(kept.recent, current.recent),
      recentSeconds: kept.recentSeconds + current.recentSeconds,
      allSeconds: kept.allSeconds + current.allSeconds,
    };
  }

  private async sum(db: Pool, window: UsageWindow, from: Date, to: Date): Promise<UsageTotals> {
    if (from >= to || window.routerIds?.length === 0) {
      return {
        all: { rx: 0n, tx: 0n },
        recent: { rx: 0n, tx: 0n },
        recentSeconds: 0,
        allSeconds: 0,
      };
    }
    const filter = window.routerIds === null ? '' : 'AND router_id IN (?)';
    const values: unknown[] = [window.recentFrom, window.recentFrom, window.recentFrom, from, to];
    if (window.routerIds !== null) values.push(window.routerIds);
    // SUM of BIGINT UNSIGNED is a DECIMAL: read as text, so the bytes stay exact.
    const [rows] = await db.query<RowDataPacket[]>(
      `SELECT CAST(COALESCE(SUM(rx_bytes), 0) AS CHAR) AS rx, CAST(COALESCE(SUM(tx_bytes), 0) AS CHAR) AS tx,
              CAST(COALESCE(SUM(CASE WHEN hour_start >= ? THEN rx_bytes END), 0) AS CHAR) AS recent_rx,
              CAST(COALESCE(SUM(CASE WHEN hour_start >= ? THEN tx_bytes END), 0) AS CHAR) AS recent_tx,
              COALESCE(SUM(CASE WHEN hour_start >= ? THEN covered_seconds END) / COUNT(DISTINCT router_id), 0) AS recent_seconds,
              COALESCE(SUM(covered_seconds) / COUNT(DISTINCT router_id), 0) AS all_seconds
         FROM bandwidth_hourly WHERE hour_start >= ? AND hour_start < ? ${filter}`,
      values,
    );
    const row: Record<string, unknown> = rows[0] ?? {};
    return {
      all: { rx: big(row.rx), tx: big(row.tx) },
      recent: { rx: big(row.recent_rx), tx: big(row.recent_tx) },
      recentSeconds: Number(row.recent_seconds ?? 0),
      allSeconds: Number(row.all_seconds ?? 0),
    };
  }
}

function add(a: ByteTotals, b: ByteTotals): ByteTotals {
  return { rx: a.rx + b.rx, tx: a.tx + b.tx };
}

function subtract(a: ByteTotals, b: ByteTotals): ByteTotals {
  return { rx: a.rx - b.rx, tx: a.tx - b.tx };
}
