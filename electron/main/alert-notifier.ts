import { Notification } from 'electron';
import type { OfflineEvent, QuotaEvent } from '../../shared/ipc-contract';
import { offlineText } from '../../shared/quota-notice';
import { escapeNoticeMarkup } from '../../shared/reboot-notice';

const MAX_KEPT = 20;

/**
 * Desktop notices for quota crossings and offline routers, one per announcement (the core
 * announces each once per period or outage, across copies). Kept referenced like the reboot
 * notices, so a click is not lost to garbage collection.
 */
export class AlertNotifier {
  private readonly shown = new Set<Notification>();

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
    if (!Notification.isSupported()) return;
    // Linux notification servers render a subset of HTML in the body: names must stay text.
    const text = process.platform === 'linux' ? escapeNoticeMarkup(body) : body;
    const notification = new Notification({ title, body: text });
    this.shown.add(notification);
    if (this.shown.size > MAX_KEPT) {
      const oldest = this.shown.values().next().value;
      if (oldest !== undefined) this.shown.delete(oldest);
    }
    const forget = () => this.shown.delete(notification);
    notification.on('click', () => {
      forget();
      onClick();
    });
    notification.on('close', forget);
    notification.on('failed', forget);
    notification.show();
  }
}
