import type { Pool } from 'mysql2/promise';
import type { QuotaView } from '../../../shared/ipc-contract';
import {
  type OfflineChange,
  offlineText,
  type QuotaCrossing,
  quotaLine,
} from '../../../shared/quota-notice';
import type { DeviceReading } from '../../../shared/types';
import { clockStamp, printable } from '../console-report';
import type { RecordedCycle } from '../cycle-recorder';
import type { UnansweredPart } from '../payload';
import { OfflineWatch } from './offline-watch';
import { QuotaWatch } from './quota-watch';
import { loadRouterDirectory } from './router-directory';

/** How long the views a cycle computed answer the pages, when no cycle comes (paused). */
const VIEWS_FRESH_MS = 60_000;

export interface AlertResult {
  crossings: QuotaCrossing[];
  offline: OfflineChange[];
  quotas: QuotaView[];
}

/**
 * What is checked after a cycle is committed: quotas and offline routers. One console line
 * per announcement; the caller turns the result into events (desktop notices, the popover).
 */
export class AlertWatch {
  private readonly quotas = new QuotaWatch();
  private readonly offline = new OfflineWatch();
  /**
   * The views the last committed cycle computed: every open page asks for them after each
   * cycle, and computing them again per page read the rollups once more for nothing.
   */
  private lastViews: { at: number; views: QuotaView[] } | null = null;

  constructor(private readonly log: (line: string) => void) {}

  async afterCommit(
    db: Pool,
    cycle: Pick<RecordedCycle, 'at' | 'tracked'>,
    devices: readonly DeviceReading[],
    /** Sources or sites that did not answer: their routers are not missing, only not asked. */
    unanswered: readonly UnansweredPart[] = [],
  ): Promise<AlertResult> {
    const at = cycle.at;
    const quota = await this.quotas.check(db, () => loadRouterDirectory(db), at);
    const offline = await this.offline.check(db, cycle.tracked, devices, at, unanswered);
    const stamp = clockStamp(at);
    for (const crossing of quota.crossings) {
      this.log(`${stamp} ${printable(quotaLine(crossing))}`);
    }
    for (const change of offline) {
      this.log(
        `${stamp} ${change.change === 'offline' ? '📴' : '🔌'} ${printable(offlineText(change))}`,
      );
    }
    this.lastViews = { at: at.getTime(), views: quota.views };
    return { crossings: quota.crossings, offline, quotas: quota.views };
  }

  /** The quotas as they stand, without announcing anything (for a page that opens). */
  async quotaViews(db: Pool, at: Date): Promise<QuotaView[]> {
    const last = this.lastViews;
    const age = last === null ? Number.POSITIVE_INFINITY : at.getTime() - last.at;
    if (last !== null && age >= 0 && age < VIEWS_FRESH_MS) return last.views;
    return (await this.quotas.check(db, () => loadRouterDirectory(db), at, false)).views;
  }

  /** A quota or the alert setting changed here: the next views are read afresh. */
  forgetViews(): void {
    this.lastViews = null;
  }
}
