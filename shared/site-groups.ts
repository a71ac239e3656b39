import type { RouterLive } from './ipc-contract';

/** Routers of one site (of one source, when there are several), in the order given. */
export interface SiteGroup {
  /** Stable across polls: the source and the site. */
  key: string;
  /** What the admin reads: `branch2`, or `branch2 · 192.168.1.1` when sources share site names. */
  label: string;
  routers: RouterLive[];
}

/** `UniFi controller at https://10.0.0.1:8443` → `10.0.0.1:8443`; other descriptions as they are. */
export function sourceShortName(source: string): string {
  const url = source.match(/https?:\/\/[^\s)]+/)?.[0];
  if (url === undefined) return source;
  try {
    return new URL(url).host;
  } catch {
    return source;
  }
}

const NO_SITE = 'No site';

/**
 * Groups routers by site, in the order of their first router (so a list sorted busiest first
 * shows the busiest site first). With several sources, the site's name carries its source's
 * host, since every controller has a `default` site.
 */
export function groupBySite(routers: readonly RouterLive[]): SiteGroup[] {
  const sources = new Set(routers.flatMap((r) => (r.source == null ? [] : [r.source])));
  const groups = new Map<string, SiteGroup>();
  for (const router of routers) {
    const site = router.site ?? null;
    // With one source, a router not yet stored with it (new since the start) is of it too.
    const source = sources.size > 1 ? (router.source ?? null) : null;
    const key = `${source ?? ''}\u0000${site ?? ''}`;
    let group = groups.get(key);
    if (group === undefined) {
      const name = site ?? NO_SITE;
      group = {
        key,
        label: source !== null ? `${name} · ${sourceShortName(source)}` : name,
        routers: [],
      };
      groups.set(key, group);
    }
    group.routers.push(router);
  }
  return [...groups.values()];
}
