// The browser view gets its figures from the collector's event stream. When the collector
// stops (or restarts, so this page's token is no longer valid), the page must not go on
// showing its last figures as if they were live: a banner says so and offers a reload.

/** How long the stream may be down before the page says so (a restart of the stream is quick). */
const GRACE_MS = 3_000;

export function watchConnection(source: EventSource): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let banner: HTMLElement | null = null;

  const show = () => {
    timer = null;
    if (source.readyState === EventSource.OPEN || banner !== null) return;
    banner = document.createElement('div');
    banner.className = 'notice notice--bad connection-lost';
    banner.setAttribute('role', 'alert');
    banner.dataset.testid = 'connection-lost';
    const text = document.createElement('span');
    const since = new Date().toLocaleTimeString(undefined, { timeStyle: 'short' });
    text.textContent = `Bandwidth Tracker does not answer since ${since}: the figures on this page are not live. Start it again, then reload. `;
    const reload = document.createElement('button');
    reload.type = 'button';
    reload.textContent = 'Reload';
    reload.addEventListener('click', () => window.location.reload());
    banner.append(text, reload);
    document.body.prepend(banner);
  };

  source.addEventListener('error', () => {
    timer ??= setTimeout(show, GRACE_MS);
  });
  source.addEventListener('open', () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    banner?.remove();
    banner = null;
  });
}
