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

/**
 * The period's usage from the hourly rollup. Finished hours are read once per hour and kept;
 * each poll reads only the current hour, so a month of 10,000 routers is not summed every poll.
 * (A journal replayed into an earlier hour is picked up at the next hour.)
 */
export class UsageReader {
  private cache = new Map<string, { hour: number; totals: UsageTotals }>();

  async read(db: Pool, window: UsageWindow, now: Date): Promise<UsageTotals> {
    const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
    const key = `${window.from.getTime()}|${window.to.getTime()}|${window.recentFrom.getTime()}|${window.routerIds?.join(',') ?? '*'}`;
    let finished = this.cache.get(key);
    if (finished?.hour !== currentHour) {
      const totals = await this.sum(
        db,
        window,
        window.from,
        new Date(Math.min(currentHour, window.to.getTime())),
      );
      finished = { hour: currentHour, totals };
      for (const [old, entry] of this.cache) if (entry.hour !== currentHour) this.cache.delete(old);
      this.cache.set(key, finished);
    }
    if (currentHour >= window.to.getTime()) return finished.totals;
    const current = await this.sum(
      db,
      window,
      new Date(Math.max(currentHour, window.from.getTime())),
      window.to,
    );
    return {
      all: add(finished.totals.all, current.all),
      recent: add(finished.totals.recent, current.recent),
      recentSeconds: finished.totals.recentSeconds + current.recentSeconds,
    };
  }

  private async sum(db: Pool, window: UsageWindow, from: Date, to: Date): Promise<UsageTotals> {
    if (from >= to || window.routerIds?.length === 0) {
      return { all: { rx: 0n, tx: 0n }, recent: { rx: 0n, tx: 0n }, recentSeconds: 0 };
    }
    const filter = window.routerIds === null ? '' : 'AND router_id IN (?)';
    const values: unknown[] = [window.recentFrom, window.recentFrom, window.recentFrom, from, to];
    if (window.routerIds !== null) values.push(window.routerIds);
    // SUM of BIGINT UNSIGNED is a DECIMAL: read as text, so the bytes stay exact.
    const [rows] = await db.query<RowDataPacket[]>(
      `SELECT CAST(COALESCE(SUM(rx_bytes), 0) AS CHAR) AS rx, CAST(COALESCE(SUM(tx_bytes), 0) AS CHAR) AS tx,
              CAST(COALESCE(SUM(CASE WHEN hour_start >= ? THEN rx_bytes END), 0) AS CHAR) AS recent_rx,
              CAST(COALESCE(SUM(CASE WHEN hour_start >= ? THEN tx_bytes END), 0) AS CHAR) AS recent_tx,
              COALESCE(SUM(CASE WHEN hour_start >= ? THEN covered_seconds END) / COUNT(DISTINCT router_id), 0) AS recent_seconds
         FROM bandwidth_hourly WHERE hour_start >= ? AND hour_start < ? ${filter}`,
      values,
    );
    const row: Record<string, unknown> = rows[0] ?? {};
    return {
      all: { rx: big(row.rx), tx: big(row.tx) },
      recent: { rx: big(row.recent_rx), tx: big(row.recent_tx) },
      recentSeconds: Number(row.recent_seconds ?? 0),
    };
  }
}

function add(a: ByteTotals, b: ByteTotals): ByteTotals {
  return { rx: a.rx + b.rx, tx: a.tx + b.tx };
}
