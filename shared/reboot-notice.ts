// Reboot notifications: several routers rebooting in one cycle make one notice, and the same
// reboot is never announced twice (a cycle that failed to save is measured again).

export interface DetectedReboot {
  routerId: number;
  name: string;
  /** When the reset was seen. */
  detectedAt: Date;
  /** The last reading before the reboot: identifies the reboot across retries and restarts. */
  lastSeenUpAt: Date | null;
  /** Seconds since boot at detection, when the source reports uptime. */
  uptimeSeconds: number | null;
}

export interface RebootNotice {
  title: string;
  body: string;
  /** The router the history window opens on when the notice is clicked. */
  routerId: number;
}

export function rebootKey(reboot: DetectedReboot): string {
  return `${reboot.routerId}@${reboot.lastSeenUpAt?.toISOString() ?? 'never'}`;
}

function clock(at: Date): string {
  return at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function minutes(ms: number): string {
  const m = Math.max(1, Math.round(ms / 60_000));
  return m === 1 ? '1 minute' : `${m} minutes`;
}

/** How long the router was down, when the uptime tells us when it came back. */
export function downtimeMs(reboot: DetectedReboot): number | null {
  if (reboot.uptimeSeconds === null || reboot.lastSeenUpAt === null) return null;
  const bootedAt = reboot.detectedAt.getTime() - reboot.uptimeSeconds * 1000;
  const down = bootedAt - reboot.lastSeenUpAt.getTime();
  return down > 0 ? down : null;
}

/**
 * Freedesktop notification servers may render a subset of HTML in the body, so a router named
 * `<b>…` or `<a href=…>` would turn into markup there: its &, < and > are written as entities.
 */
export function escapeNoticeMarkup(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export interface NoticeOptions {
  /** The body is shown as markup (Linux); elsewhere it is plain text and left as it is. */
  bodyIsMarkup?: boolean;
}

/** One notice for all the reboots of a cycle, or null when there are none. */
export function rebootNotice(
  reboots: readonly DetectedReboot[],
  { bodyIsMarkup = true }: NoticeOptions = {},
): RebootNotice | null {
  const [first] = reboots;
  if (first === undefined) return null;
  if (reboots.length === 1) {
    const down = downtimeMs(first);
    const downtime = down === null ? '' : ` It was down for about ${minutes(down)}.`;
    return {
      title: `${first.name} rebooted`,
      body: `Detected at ${clock(first.detectedAt)}: its counters restarted from zero.${downtime}`,
      routerId: first.routerId,
    };
  }
  const asBody = bodyIsMarkup ? escapeNoticeMarkup : (text: string) => text;
  const shown = reboots.slice(0, 3).map((r) => asBody(r.name));
  const more = reboots.length > 3 ? ` and ${reboots.length - 3} more` : '';
  return {
    title: `${reboots.length} routers rebooted`,
    body: `${shown.join(', ')}${more} — detected at ${clock(first.detectedAt)}.`,
    routerId: first.routerId,
  };
}

/** Remembers the reboots already announced; `fresh` keeps only the new ones and records them. */
export class RebootLedger {
  private readonly seen: string[];

  constructor(
    announced: readonly string[] = [],
    private readonly capacity = 1000,
  ) {
    this.seen = [...announced].slice(-capacity);
  }

  fresh(reboots: readonly DetectedReboot[]): DetectedReboot[] {
    const result = reboots.filter((r) => !this.seen.includes(rebootKey(r)));
    for (const reboot of result) this.seen.push(rebootKey(reboot));
    this.seen.splice(0, Math.max(0, this.seen.length - this.capacity));
    return result;
  }

  get keys(): readonly string[] {
    return this.seen;
  }
}
