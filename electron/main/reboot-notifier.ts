import { Notification } from 'electron';
import type { RebootEvent } from '../../shared/ipc-contract';
import { rebootNotice } from '../../shared/reboot-notice';

/** One desktop notification per cycle with reboots; a click opens the history on the router. */
export function notifyReboots(
  event: RebootEvent,
  enabled: boolean,
  openHistory: (routerId: number) => void,
): void {
  if (!enabled || !Notification.isSupported()) return;
  const notice = rebootNotice(
    event.reboots.map((r) => ({
      routerId: r.routerId,
      name: r.name,
      detectedAt: new Date(r.detectedAt),
      lastSeenUpAt: r.lastSeenUpAt === null ? null : new Date(r.lastSeenUpAt),
      uptimeSeconds: r.uptimeSeconds,
    })),
    { bodyIsMarkup: process.platform === 'linux' },
  );
  if (notice === null) return;
  const notification = new Notification({ title: notice.title, body: notice.body });
  notification.on('click', () => openHistory(notice.routerId));
  notification.show();
}
