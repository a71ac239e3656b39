import { useEffect, useRef, useState } from 'react';
import type { HistoryRequest, HistoryResult } from '../../shared/ipc-contract';
import { bandwidthClient } from '../client/bandwidth-client';

export type HistoryView =
  | { status: 'loading'; result: HistoryResult | null }
  | { status: 'ready'; result: HistoryResult }
  /** `result` is the last good one, kept on screen while the error is shown. */
  | { status: 'error'; message: string; result: HistoryResult | null };

const hidden = () => document.visibilityState === 'hidden';

/**
 * Loads the history for a request; reloads when it changes, and after each cycle for the ranges
 * that end now (a custom range is reloaded only when applied). The last result stays shown
 * while the next loads. A cycle that comes while the window is hidden, or while the last load
 * is still on its way (10,000 routers: megabytes), is caught up once, when the window shows or
 * that load is done: no load for a window nobody sees, never two at once.
 */
export function useHistory(request: HistoryRequest): HistoryView {
  const [view, setView] = useState<HistoryView>({ status: 'loading', result: null });
  const key = JSON.stringify(request);
  const [refresh, setRefresh] = useState(0);
  const loading = useRef(false);
  const missed = useRef(false);

  useEffect(() => {
    if (request.range === 'custom') return;
    const again = () => {
      missed.current = false;
      setRefresh((n) => n + 1);
    };
    const offCycle = bandwidthClient().onCycleCompleted(() => {
      if (hidden() || loading.current) missed.current = true;
      else again();
    });
    const shown = () => {
      if (!hidden() && missed.current && !loading.current) again();
    };
    document.addEventListener('visibilitychange', shown);
    return () => {
      offCycle();
      document.removeEventListener('visibilitychange', shown);
    };
  }, [request.range]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the request is compared by value through `key`.
  useEffect(() => {
    let active = true;
    loading.current = true;
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
      )
      .finally(() => {
        if (!active) return;
        loading.current = false;
        if (missed.current && !hidden()) {
          missed.current = false;
          setRefresh((n) => n + 1);
        }
      });
    return () => {
      active = false;
    };
  }, [key, refresh]);
  return view;
}
