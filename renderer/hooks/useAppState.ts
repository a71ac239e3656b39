import { useEffect, useState } from 'react';
import type { AppState, RouterLive } from '../../shared/ipc-contract';
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

/** The live state: fetched once, then patched by each cycle's event (no re-fetch, no flicker). */
export function useAppState(): AppStateView {
  const [view, setView] = useState<AppStateView>({ state: null, error: null });
  useEffect(() => {
    const client = bandwidthClient();
    let active = true;
    client.getState().then(
      (state) => active && setView({ state, error: null }),
      (error: unknown) =>
        active && setView({ state: null, error: String((error as Error).message ?? error) }),
    );
    const offCycle = client.onCycleCompleted((event) => {
      setView((previous) =>
        previous.state === null
          ? previous
          : {
              error: null,
              state: {
                ...previous.state,
                routers: mergeRouters(previous.state.routers, event.routers),
                totals: event.totals,
                lastPollAt: event.at,
              },
            },
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
