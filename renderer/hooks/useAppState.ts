import { useEffect, useState } from 'react';
import { type AppState, LIVE_EVENT_ROUTERS, type RouterLive } from '../../shared/ipc-contract';
import { bandwidthClient } from '../client/bandwidth-client';

export interface AppStateView {
  state: AppState | null;
  error: string | null;
}

function mergeRouters(current: RouterLive[], changed: RouterLive[]): RouterLive[] {
  const byId = new Map(current.map((router) => [router.id, router]));
  for (const router of changed) byId.set(router.id, router);
  const seen = new Set(changed.map((r) => r.id));
  // Routers missing from this cycle are no longer fresh and carry no live rate.
  return [...byId.values()].map((router) =>
    seen.has(router.id) || router.freshness === 'rebooted'
      ? router
      : { ...router, freshness: 'stale', rxMbps: 0, txMbps: 0 },
  );
}

/** The fetched rows replace theirs; the others are left as they were (not shown, not asked for). */
function replaceRouters(current: RouterLive[], fresh: RouterLive[]): RouterLive[] {
  const byId = new Map(fresh.map((router) => [router.id, router]));
  return current.map((router) => byId.get(router.id) ?? router);
}

/**
 * The live state: fetched once, then patched by each cycle's event (no re-fetch, no flicker).
 * With more routers than an event lists (LIVE_EVENT_ROUTERS), the event brings the totals and
 * the rows `shownIds` names are fetched: a page that shows a few of 10,000 routers gets those.
 */
export function useAppState(shownIds?: () => readonly number[]): AppStateView {
  const [view, setView] = useState<AppStateView>({ state: null, error: null });
  // biome-ignore lint/correctness/useExhaustiveDependencies: subscribes once; `shownIds` is read when an event comes.
  useEffect(() => {
    const client = bandwidthClient();
    let active = true;
    client.getState().then(
      (state) => active && setView({ state, error: null }),
      (error: unknown) =>
        active && setView({ state: null, error: String((error as Error).message ?? error) }),
    );
    // Patches the state once it is there (an event before the first answer changes nothing).
    const patch = (change: (state: AppState) => Partial<AppState>) =>
      setView((previous) =>
        previous.state === null
          ? previous
          : { error: null, state: { ...previous.state, ...change(previous.state) } },
      );
    const offCycle = client.onCycleCompleted((event) => {
      const omitted = (event.omittedRouters ?? 0) > 0;
      patch((state) => ({
        routers: omitted ? state.routers : mergeRouters(state.routers, event.routers),
        totals: event.totals,
        lastPollAt: event.at,
      }));
      const ids = omitted ? (shownIds?.() ?? []).slice(0, LIVE_EVENT_ROUTERS) : [];
      if (ids.length === 0) return;
      client.getRouters([...ids]).then(
        (fresh) => active && patch((state) => ({ routers: replaceRouters(state.routers, fresh) })),
        // The next cycle asks again; the rows keep their last figures meanwhile.
        () => {},
      );
    });
    const offStatus = client.onStatusChanged((state) => setView({ state, error: null }));
    return () => {
      active = false;
      offCycle();
      offStatus();
    };
  }, []);
  return view;
}
