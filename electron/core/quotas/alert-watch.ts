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
    const written = cycle.tracked.map((t) => ({
      routerId: t.routerId,
      mac: t.identity.mac,
      name: t.identity.name,
    }));
    const offline = await this.offline.check(db, written, devices, at, unanswered);
    const stamp = clockStamp(at);
    for (const crossing of quota.crossings) {
      this.log(`${stamp} ${printable(quotaLine(crossing))}`);
    }
    for (const change of offline) {
      this.log(
        `${stamp} ${change.change === 'offline' ? '📴' : '🔌'} ${printable(offlineText(change))}`,
      );
    }
    return { crossings: quota.crossings, offline, quotas: quota.views };
  }

  /** The quotas as they stand, without announcing anything (for a page that opens). */
  async quotaViews(db: Pool, at: Date): Promise<QuotaView[]> {
    return (await this.quotas.check(db, () => loadRouterDirectory(db), at, false)).views;
  }
}
