import { useEffect, useState } from 'react';
import type { HistoryRequest, HistoryResult } from '../../shared/ipc-contract';
import { bandwidthClient } from '../client/bandwidth-client';

export type HistoryView =
  | { status: 'loading'; result: HistoryResult | null }
  | { status: 'ready'; result: HistoryResult }
  /** `result` is the last good one, kept on screen while the error is shown. */
  | { status: 'error'; message: string; result: HistoryResult | null };

/**
 * Loads the history for a request; reloads when it changes, and after each cycle for the ranges
 * that end now (a custom range is reloaded only when applied). The last result stays shown
 * while the next loads.
 */
export function useHistory(request: HistoryRequest): HistoryView {
  const [view, setView] = useState<HistoryView>({ status: 'loading', result: null });
  const key = JSON.stringify(request);
  const [refresh, setRefresh] = useState(0);

  useEffect(() => {
    if (request.range === 'custom') return;
    return bandwidthClient().onCycleCompleted(() => setRefresh((n) => n + 1));
  }, [request.range]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the request is compared by value through `key`.
  useEffect(() => {
    let active = true;
    setView((previous) => ({ status: 'loading', result: previous.result }));
    bandwidthClient()
      .getHistory(request)
      .then(
        (result) => active && setView({ status: 'ready', result }),
        (error: unknown) =>
          active &&
          setView((previous) => ({
            status: 'error',
            message: error instanceof Error ? error.message : String(error),
            result: previous.result,
          })),
      );
    return () => {
      active = false;
    };
  }, [key, refresh]);
  return view;
}
