import { useEffect, useState } from 'react';
import type { QuotaState } from '../../shared/ipc-contract';
import { bandwidthClient } from '../client/bandwidth-client';

export interface QuotasView {
  state: QuotaState | null;
  error: string | null;
  /** Replaces the state with one a call returned (after a save or a delete). */
  replace(state: QuotaState): void;
}

/** The quotas with their usage: loaded once, then again after every cycle and crossing. */
export function useQuotas(): QuotasView {
  const [state, setState] = useState<QuotaState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);

  useEffect(() => {
    const client = bandwidthClient();
    const again = () => setRefresh((n) => n + 1);
    const stops = [client.onCycleCompleted(again), client.onQuotaCrossed(again)];
    return () => {
      for (const stop of stops) stop();
    };
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `refresh` is the reason to load again.
  useEffect(() => {
    let active = true;
    bandwidthClient()
      .getQuotas()
      .then(
        (next) => {
          if (!active) return;
          setState(next);
          setError(null);
        },
        (caught: unknown) =>
          active && setError(caught instanceof Error ? caught.message : String(caught)),
      );
    return () => {
      active = false;
    };
  }, [refresh]);

  return { state, error, replace: setState };
}
