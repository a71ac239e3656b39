import { Notification } from 'electron';
import type { RebootEvent } from '../../shared/ipc-contract';
import { rebootNotice } from '../../shared/reboot-notice';

const MAX_KEPT = 20;

/**
 * One desktop notification per cycle with reboots; a click opens the history on the router.
 * Each notification is kept referenced until it is clicked, closed or failed: a Notification
 * only held by a local variable can be garbage-collected, and its click then does nothing.
 */
export class RebootNotifier {
  private readonly shown = new Set<Notification>();

  constructor(private readonly openHistory: (routerId: number) => void) {}

  /** How many notifications are still on screen (kept alive for their click). */
  get pending(): number {
    return this.shown.size;
  }

  notify(event: RebootEvent, enabled: boolean): void {
    if (!enabled || !Notification.isSupported()) return;
    const notice = rebootNotice(
      event.reboots.map((r) => ({
        routerId: r.routerId,
        name: r.name,
        detectedAt: new Date(r.detectedAt),
        lastSeenUpAt: r.lastSeenUpAt === null ? null : new Date(r.lastSeenUpAt),
        uptimeSeconds: r.uptimeSeconds,
      })),
      // Linux notification servers render a subset of HTML in the body: names must stay text.
      { bodyIsMarkup: process.platform === 'linux' },
    );
    if (notice === null) return;
    const notification = new Notification({ title: notice.title, body: notice.body });
    this.shown.add(notification);
    // Notification centres can keep old ones forever: hold on to the latest few only.
    if (this.shown.size > MAX_KEPT) {
      const oldest = this.shown.values().next().value;
      if (oldest !== undefined) this.shown.delete(oldest);
    }
    const forget = () => this.shown.delete(notification);
    notification.on('click', () => {
      forget();
      this.openHistory(notice.routerId);
    });
    notification.on('close', forget);
    notification.on('failed', forget);
    notification.show();
  }
}
