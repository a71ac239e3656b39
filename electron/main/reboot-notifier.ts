import { Notification } from 'electron';
import type { RebootEvent } from '../../shared/ipc-contract';
import { rebootNotice } from '../../shared/reboot-notice';
import { DesktopNotices } from './desktop-notices';

/**
 * One desktop notification per cycle with reboots; a click opens the history on the router.
 */
export class RebootNotifier {
  private readonly notices = new DesktopNotices();

  constructor(private readonly openHistory: (routerId: number) => void) {}

  /** How many notifications are still on screen (kept alive for their click). */
  get pending(): number {
    return this.notices.pending;
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
    this.notices.show(notice.title, notice.body, () => this.openHistory(notice.routerId));
  }
}
