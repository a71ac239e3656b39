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
 * A cycle's reload waits this many times as long as the last load took, after it: the page
 * (and the app answering) spend at most a fifth of their time on them. A load of a few ms
 * (tens of routers) never waits; a day of 10,000 routers (34 MB, over a second) waits
 * seconds, which matters only with polls that short.
 */
const SPACING = 4;

/**
 * Loads the history for a request; reloads when it changes, and after each cycle for the ranges
 * that end now (a custom range is reloaded only when applied). The last result stays shown
 * while the next loads. A cycle that comes while the window is hidden, or while the last load
 * is still on its way (10,000 routers: megabytes), is caught up once, when the window shows or
 * that load is done: no load for a window nobody sees, never two at once, and a pause after a
 * long load (SPACING).
 */
export function useHistory(request: HistoryRequest): HistoryView {
  const [view, setView] = useState<HistoryView>({ status: 'loading', result: null });
  const key = JSON.stringify(request);
  const [refresh, setRefresh] = useState(0);
  const loading = useRef(false);
  /** A cycle came that no load has caught up with yet. */
  const missed = useRef(false);
  /** performance.now() before which a cycle's reload waits (SPACING). */
  const nextAt = useRef(0);
  /** Reloads once for the cycles missed, when the window shows, no load runs and the pause is over. */
  const catchUp = useRef(() => {});

  useEffect(() => {
    if (request.range === 'custom') return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    catchUp.current = () => {
      if (!missed.current || hidden() || loading.current || timer !== undefined) return;
      const wait = nextAt.current - performance.now();
      if (wait > 0) {
        timer = setTimeout(() => {
          timer = undefined;
          catchUp.current();
        }, wait);
        return;
      }
      missed.current = false;
      setRefresh((n) => n + 1);
    };
    const offCycle = bandwidthClient().onCycleCompleted(() => {
      missed.current = true;
      catchUp.current();
    });
    const shown = () => catchUp.current();
    document.addEventListener('visibilitychange', shown);
    return () => {
      offCycle();
      document.removeEventListener('visibilitychange', shown);
      clearTimeout(timer);
      catchUp.current = () => {};
    };
  }, [request.range]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the request is compared by value through `key`.
  useEffect(() => {
    let active = true;
    loading.current = true;
    const started = performance.now();
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
        const now = performance.now();
        nextAt.current = now + SPACING * (now - started);
        catchUp.current();
      });
    return () => {
      active = false;
    };
  }, [key, refresh]);
  return view;
}
