import { notRecordingText, recordingNotices } from '../../shared/recording-status';
import { bandwidthClient } from '../client/bandwidth-client';
import { formatBytes, formatMbps, formatTime, sumBytes } from '../common/format';
import { useAppState } from '../hooks/useAppState';
import { RouterRow } from './RouterRow';
import { byCurrentRate } from './router-order';
import './popover.css';

export function PopoverApp() {
  const { state, error } = useAppState();
  const client = bandwidthClient();

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
  const routers = [...state.routers].sort(byCurrentRate);
  const today = sumBytes(state.totals.todayRxBytes, state.totals.todayTxBytes);
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
        <p className="popover__totals" aria-live="polite">
          <span className="rx" data-testid="total-rx-rate">
            ↓ {formatMbps(state.totals.rxMbps)}
          </span>{' '}
          <span className="tx" data-testid="total-tx-rate">
            ↑ {formatMbps(state.totals.txMbps)}
          </span>
          <span className="popover__today" data-testid="today-total">
            today {formatBytes(today)}
          </span>
        </p>
      </header>

      {routers.length === 0 ? (
        <p className="notice popover__empty">
          No routers yet. They appear after the first poll of the device source
          {state.source.state === 'down' ? ', which cannot be reached right now' : ''}.
        </p>
      ) : (
        <ul className="popover__list" aria-label="Routers, busiest first">
          {routers.map((router) => (
            <RouterRow key={router.id} router={router} />
          ))}
        </ul>
      )}

      <footer className="popover__footer">
        <p className="popover__status" role="status" aria-live="polite">
          Last poll:{' '}
          <time dateTime={state.lastPollAt ?? undefined}>{formatTime(state.lastPollAt)}</time>
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
