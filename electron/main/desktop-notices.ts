import { Notification } from 'electron';

/** Notification centres can keep old ones forever: hold on to the latest few only. */
const MAX_KEPT = 20;

/**
 * Shows desktop notifications and keeps each referenced until it is clicked, closed or failed:
 * a Notification only held by a local variable can be garbage-collected, and its click then
 * does nothing.
 */
export class DesktopNotices {
  private readonly shown = new Set<Notification>();

  /** How many notifications are still on screen (kept alive for their click). */
  get pending(): number {
    return this.shown.size;
  }

  show(title: string, body: string, onClick: () => void): void {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title, body });
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
