import type { Pool } from 'mysql2/promise';
import type { QuotaInput, QuotaState, SaveQuotaResult } from '../../../shared/ipc-contract';
import { isInternetTarget, type QuotaDefinition } from '../../../shared/quota';
import { checkOfflinePolls, validateQuotaInput } from '../../../shared/quota-input';
import { quotaName } from '../../../shared/quota-notice';
import { printable } from '../console-report';
import type { AlertWatch } from './alert-watch';
import { deleteQuota, loadOfflinePolls, setOfflinePolls, setQuota } from './quota-store';
import { loadRouterDirectory, routersOfTarget } from './router-directory';

/** What the pages ask about quotas and alerts, on the database the service has open. */
export class QuotaCalls {
  constructor(
    private readonly pool: () => Pool,
    private readonly alerts: AlertWatch,
    private readonly now: () => Date,
  ) {}

  async state(): Promise<QuotaState> {
    const pool = this.pool();
    return {
      quotas: await this.alerts.quotaViews(pool, this.now()),
      offlinePolls: await loadOfflinePolls(pool),
    };
  }

  async save(input: QuotaInput): Promise<SaveQuotaResult> {
    const check = validateQuotaInput(input);
    if (!check.ok) return { ok: false, errors: check.errors };
    await setQuota(this.pool(), check.quota);
    this.alerts.forgetViews();
    return { ok: true, state: await this.state() };
  }

  async delete(id: number): Promise<QuotaState> {
    await deleteQuota(this.pool(), id);
    this.alerts.forgetViews();
    return this.state();
  }

  async setOfflinePolls(polls: number): Promise<SaveQuotaResult> {
    const problem = checkOfflinePolls(polls);
    if (problem !== null) return { ok: false, errors: { offlinePolls: problem } };
    await setOfflinePolls(this.pool(), polls);
    return { ok: true, state: await this.state() };
  }
}

/** `--quota` values and `--offline-polls`, stored at start so every workstation shares them. */
export async function applyStartupQuotas(
  pool: Pool,
  options: { quotas?: readonly QuotaDefinition[]; offlinePolls?: number },
  log: (line: string) => void,
): Promise<void> {
  const directory = (options.quotas ?? []).length > 0 ? await loadRouterDirectory(pool) : null;
  for (const quota of options.quotas ?? []) {
    await setQuota(pool, quota);
    if (directory !== null && !isInternetTarget(quota.target)) {
      const { ids } = routersOfTarget(quota.target, directory);
      if (ids !== null && ids.length === 0) {
        log(
          `📦 No router named "${printable(quota.target)}" (or with that MAC) has been polled yet: its quota counts from when one is. Check the name against the popover or the history.`,
        );
      }
    }
    if (directory !== null && quota.target.startsWith('wan@')) {
      const site = quota.target.slice(4);
      if (!directory.routers.some((r) => r.site === site)) {
        log(
          `📦 No router of site "${printable(site)}" has been polled yet: its quota counts from when one is. Check the site's short name (--site, or the site headings in the popover).`,
        );
      }
    }
    const day = quota.period.kind === 'month' ? `, billing day ${quota.period.billingDay}` : '';
    log(
      `📦 Quota for ${printable(quota.target)}: ${quotaName({ sizeBytes: quota.sizeBytes, period: quota.period.kind, direction: quota.direction })}${day}, days counted in ${quota.timeZone}; announced at ${quota.thresholds.join(', ')} %.`,
    );
  }
  if (options.offlinePolls !== undefined) await setOfflinePolls(pool, options.offlinePolls);
}
