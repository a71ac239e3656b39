import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { QuotaView } from '../../../shared/ipc-contract';
import { isInternetTarget, type StoredQuota, targetLabel } from '../../../shared/quota';
import {
  FORECAST_METHOD,
  forecastBytes,
  forecastExceeds,
  reachedThresholds,
  recentWindowStart,
} from '../../../shared/quota-forecast';
import type { QuotaCrossing } from '../../../shared/quota-notice';
import { daysLeft, floorToHour, periodBounds, shortDate } from '../../../shared/quota-period';
import { loadQuotas } from './quota-store';
import { bytesFor, UsageReader } from './quota-usage';
import { type RouterDirectory, routersOfTarget } from './router-directory';

export interface QuotaCheck {
  /** Crossings this copy announced (its INSERT inserted the announcement). */
  crossings: QuotaCrossing[];
  views: QuotaView[];
}

/**
 * After each committed cycle: every quota's usage in its current period, its forecast, and the
 * thresholds it reached. A crossing is announced by whichever copy inserts its row first.
 */
export class QuotaWatch {
  private readonly usage = new UsageReader();

  /** `directory` is read only when there are quotas: without, a cycle costs one tiny query. */
  async check(
    db: Pool,
    directory: () => Promise<RouterDirectory>,
    now: Date,
    announce = true,
  ): Promise<QuotaCheck> {
    const quotas = await loadQuotas(db);
    if (quotas.length === 0) return { crossings: [], views: [] };
    const routers = await directory();
    const crossings: QuotaCrossing[] = [];
    const views: QuotaView[] = [];
    for (const quota of quotas) {
      const { view, crossing } = await this.checkOne(db, quota, routers, now, announce);
      views.push(view);
      crossings.push(...crossing);
    }
    return { crossings, views };
  }

  private async checkOne(
    db: Pool,
    quota: StoredQuota,
    directory: RouterDirectory,
    now: Date,
    announce: boolean,
  ): Promise<{ view: QuotaView; crossing: QuotaCrossing[] }> {
    const bounds = periodBounds(quota.period, now, quota.timeZone);
    const from = floorToHour(bounds.start);
    const to = floorToHour(bounds.end);
    const recentFrom = recentWindowStart(from, now);
    const routers = routersOfTarget(quota.target, directory);
    const totals = await this.usage.read(db, { routerIds: routers.ids, from, to, recentFrom }, now);
    const used = bytesFor(totals.all, quota.direction);
    const forecast = forecastBytes({
      used,
      countedFrom: from,
      recentBytes: bytesFor(totals.recent, quota.direction),
      recentFrom,
      recentSeconds: totals.recentSeconds,
      usedSeconds: totals.allSeconds,
      periodEnd: to,
      now,
    });
    const label = targetLabel(quota.target, routers.name);
    const since = shortDate(bounds.firstDay);
    const by = shortDate(bounds.lastDay);
    const view: QuotaView = {
      id: quota.id,
      target: quota.target,
      label,
      found: routers.ids === null || routers.ids.length > 0 || isInternetTarget(quota.target),
      sizeBytes: quota.sizeBytes.toString(),
      usedBytes: used.toString(),
      forecastBytes: forecast?.toString() ?? null,
      period: quota.period.kind,
      billingDay: quota.period.billingDay,
      direction: quota.direction,
      timeZone: quota.timeZone,
      thresholds: quota.thresholds,
      periodStart: bounds.start.toISOString(),
      periodEnd: bounds.end.toISOString(),
      since,
      by,
      daysLeft: daysLeft(bounds, now, quota.timeZone),
      method: FORECAST_METHOD,
    };
    const base = {
      quotaId: quota.id,
      label,
      sizeBytes: quota.sizeBytes,
      usedBytes: used,
      forecastBytes: forecast,
      period: quota.period.kind,
      direction: quota.direction,
      since,
      by,
    };
    const reached = reachedThresholds(used, quota.sizeBytes, quota.thresholds);
    const early = forecastExceeds(used, forecast, quota.sizeBytes);
    if (!announce || (reached.length === 0 && !early)) return { view, crossing: [] };

    const [announced] = await db.query<RowDataPacket[]>(
      'SELECT kind, threshold FROM quota_announcements WHERE quota_id = ? AND period_start = ?',
      [quota.id, bounds.start],
    );
    const done = new Set(announced.map((row) => `${row.kind}:${row.threshold}`));
    const crossing: QuotaCrossing[] = [];
    for (const percent of reached) {
      if (done.has(`threshold:${percent}`)) continue;
      if (await this.claim(db, quota.id, bounds.start, 'threshold', percent, now)) {
        crossing.push({ ...base, kind: 'threshold', percent });
      }
    }
    if (early && !done.has('forecast:100')) {
      if (await this.claim(db, quota.id, bounds.start, 'forecast', 100, now)) {
        const percent = Number((used * 100n) / quota.sizeBytes);
        crossing.push({ ...base, kind: 'forecast', percent });
      }
    }
    return { view, crossing };
  }

  /** True when this copy's INSERT made the row: then, and only then, it announces. */
  private async claim(
    db: Pool,
    quotaId: number,
    periodStart: Date,
    kind: 'threshold' | 'forecast',
    threshold: number,
    now: Date,
  ): Promise<boolean> {
    const [result] = await db.query<ResultSetHeader>(
      `INSERT IGNORE INTO quota_announcements (quota_id, period_start, kind, threshold, announced_at)
       VALUES (?, ?, ?, ?, ?)`,
      [quotaId, periodStart, kind, threshold, now],
    );
    return result.affectedRows === 1;
  }
}
