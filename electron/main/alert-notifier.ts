import type { OfflineEvent, QuotaEvent } from '../../shared/ipc-contract';
import { offlineText } from '../../shared/quota-notice';
import { escapeNoticeMarkup } from '../../shared/reboot-notice';
import { DesktopNotices } from './desktop-notices';

/**
 * Desktop notices for quota crossings and offline routers, one per announcement (the core
 * announces each once per period or outage, across copies). Kept referenced like the reboot
 * notices, so a click is not lost to garbage collection.
 */
export class AlertNotifier {
  private readonly notices = new DesktopNotices();

  constructor(
    private readonly openQuotas: () => void,
    private readonly openHistory: (routerId: number) => void,
  ) {}

  quota(event: QuotaEvent, enabled: boolean): void {
    if (!enabled) return;
    for (const crossing of event.crossings) {
      this.show(crossing.title, crossing.body, this.openQuotas);
    }
  }

  offline(event: OfflineEvent, enabled: boolean): void {
    if (!enabled) return;
    for (const change of event.changes) {
      const text = offlineText({
        ...change,
        since: new Date(change.since),
        at: new Date(change.at),
      });
      this.show(change.change === 'offline' ? 'Router offline' : 'Router back online', text, () =>
        this.openHistory(change.routerId),
      );
    }
  }

  private show(title: string, body: string, onClick: () => void): void {
    // Linux notification servers render a subset of HTML in the body: names must stay text.
    this.notices.show(
      title,
      process.platform === 'linux' ? escapeNoticeMarkup(body) : body,
      onClick,
    );
  }
}
