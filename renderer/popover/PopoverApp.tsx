import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { headlineLabel } from '../../shared/edge-text';
import { LIVE_EVENT_ROUTERS } from '../../shared/ipc-contract';
import { notRecordingText, recordingNotices } from '../../shared/recording-status';
import { bandwidthClient } from '../client/bandwidth-client';
import { formatBytes, formatMbps, formatTime, sumBytes } from '../common/format';
import { useAppState } from '../hooks/useAppState';
import { SiteGroupedList } from '../sites/SiteGroupedList';
import { countingZone } from './counting-zone';
import { HeadlineScope, headlineTitle } from './HeadlineScope';
import { MoreRouters } from './MoreRouters';
import { QuotaBars } from './QuotaBars';
import { byCurrentRate, inOrder } from './router-order';
import { Sparkline } from './Sparkline';
import './popover.css';

export function PopoverApp() {
  // The rows on screen: with thousands of routers, the ones whose figures each cycle fetches.
  const shown = useRef<number[]>([]);
  const { state, error } = useAppState(() => shown.current);
  const client = bandwidthClient();
  // Sorted busiest first when the popover opens (or comes back into view), then kept.
  const [order, setOrder] = useState<number[] | null>(null);
  const [sortAgain, setSortAgain] = useState(0);
  useEffect(() => {
    const opened = () => {
      if (document.visibilityState === 'visible') setSortAgain((n) => n + 1);
    };
    document.addEventListener('visibilitychange', opened);
    window.addEventListener('focus', opened);
    return () => {
      document.removeEventListener('visibilitychange', opened);
      window.removeEventListener('focus', opened);
    };
  }, []);
  const routerCount = state?.routers.length ?? 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: sorts on opening and when the first routers arrive, not on every cycle.
  useEffect(() => {
    if (state === null || routerCount === 0) return;
    setOrder([...state.routers].sort(byCurrentRate).map((r) => r.id));
  }, [sortAgain, routerCount > 0]);

  const allRouters = state?.routers;
  // Sorted (or put in the kept order) only when the routers change, not on every render.
  const ordered = useMemo(
    () =>
      allRouters === undefined
        ? []
        : order === null
          ? [...allRouters].sort(byCurrentRate)
          : inOrder(allRouters, order),
    [allRouters, order],
  );
  const openHistory = useCallback(
    (routerId: number) => client.openWindow('history', { routerId }),
    [client],
  );

  if (state === null) {
    return (
      <main className="popover">
        <p className="notice" role="status">
          {error === null
            ? 'Connecting to Bandwidth Tracker…'
            : `Cannot reach Bandwidth Tracker: ${error}`}
        </p>
      </main>
    );
  }
  // The busiest LIVE_EVENT_ROUTERS: a list of 10,000 rows took seconds to draw, and the rest
  // are one click away in the history.
  const routers =
    ordered.length > LIVE_EVENT_ROUTERS ? ordered.slice(0, LIVE_EVENT_ROUTERS) : ordered;
  shown.current = routers.map((router) => router.id);
  const today = sumBytes(state.totals.todayRxBytes, state.totals.todayTxBytes);
  const month =
    state.totals.monthRxBytes === undefined
      ? null
      : sumBytes(state.totals.monthRxBytes, state.totals.monthTxBytes ?? '0');
  const measuring = state.routers.length > 0 && state.routers.every((r) => r.measuring === true);
  const { zone, named: zoneNamed } = countingZone(state);
  const problems = [
    state.paused ? 'Polling is paused.' : null,
    state.source.state === 'down' ? `Device source: ${state.source.message}` : null,
    notRecordingText(state),
    state.database.state === 'down' ? `Database: ${state.database.message}` : null,
    ...recordingNotices(state),
  ].filter((line): line is string => line !== null);

  return (
    <main className="popover">
      <header className="popover__header">
        <h1 className="popover__title">
          Bandwidth{' '}
          {state.sourceLabel !== '' && <span className="demo-badge">{state.sourceLabel}</span>}
        </h1>
        <p className="popover__totals">
          {measuring ? (
            <span className="router-row__measuring" data-testid="total-measuring">
              measuring…
            </span>
          ) : (
            <>
              <span className="rx" data-testid="total-rx-rate">
                ↓ {formatMbps(state.totals.rxMbps)}
              </span>{' '}
              <span className="tx" data-testid="total-tx-rate">
                ↑ {formatMbps(state.totals.txMbps)}
              </span>
            </>
          )}
          <Sparkline
            values={state.totals.sparkline}
            label={`${headlineLabel(state.totals.edgeRule)}, last hour`}
          />
        </p>
        <p className="popover__today">
          <span data-testid="today-total" title={headlineTitle(state.totals.edgeRule)}>
            today {formatBytes(today)}
          </span>
          {month !== null && (
            <span data-testid="month-total"> · this month {formatBytes(month)}</span>
          )}
          {zoneNamed && <span data-testid="popover-zone"> · days and times in {zone}</span>}
        </p>
        <HeadlineScope rule={state.totals.edgeRule} routerCount={state.routers.length} />
      </header>

      <QuotaBars />

      {routers.length === 0 ? (
        <p className="notice popover__empty">
          No routers yet. They appear after the first poll of the device source
          {state.source.state === 'down' ? ', which cannot be reached right now' : ''}.
        </p>
      ) : (
        <SiteGroupedList routers={routers} onOpen={openHistory} edgeRule={state.totals.edgeRule} />
      )}
      <MoreRouters
        count={ordered.length - routers.length}
        onOpen={() => client.openWindow('history', {})}
      />

      <footer className="popover__footer">
        <p className="popover__status" role="status" aria-live="polite">
          <span className="popover__last-poll">
            Last poll:{' '}
            <time dateTime={state.lastPollAt ?? undefined}>
              {formatTime(state.lastPollAt, zone)}
            </time>
          </span>
          {state.role === 'reader' && (
            <span className="popover__role" data-testid="copy-role">
              Read-only: another copy on this database records; this one takes over if it stops.
            </span>
          )}
          {state.waitingCycles > 0 && state.database.state !== 'down' && (
            <span className="popover__role">
              Writing {state.waitingCycles} waiting cycle(s) from the journal…
            </span>
          )}
          {problems.map((line) => (
            <span key={line} className="popover__problem">
              {line}
            </span>
          ))}
        </p>
        <div className="popover__actions">
          <button type="button" onClick={() => client.openWindow('history', {})}>
            Open history
          </button>
          <button type="button" onClick={() => client.openWindow('settings', {})}>
            Settings
          </button>
        </div>
      </footer>
    </main>
  );
}
