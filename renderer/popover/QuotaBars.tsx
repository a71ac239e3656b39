import type { QuotaView } from '../../shared/ipc-contract';
import { quotaBarFigures, quotaTitle, quotaTitleAfterLabel } from '../../shared/quota-bar';
import { useQuotas } from '../hooks/useQuotas';
import './quota-bars.css';

/**
 * Each quota as a bar: used, left, days left and the forecast, in two short lines so the
 * routers keep their room. How the forecast is made is said on hover and to screen readers
 * (and in full in Settings and the history).
 */
export function QuotaBars() {
  const { state } = useQuotas();
  if (state === null || state.quotas.length === 0) return null;
  const method = state.quotas[0]?.method ?? '';
  return (
    <section className="quota-bars" aria-label="Quotas">
      <p id="quota-bars-method" className="quota-bars__method" hidden>
        {method}
      </p>
      <ul className="quota-bars__list">
        {state.quotas.map((quota) => (
          <QuotaBar key={quota.id} quota={quota} method={method} />
        ))}
      </ul>
    </section>
  );
}

function QuotaBar({ quota, method }: { quota: QuotaView; method: string }) {
  const figures = quotaBarFigures(quota);
  const title = quotaTitle(quota);
  return (
    <li className={`quota-bar quota-bar--${figures.level}`} data-testid="quota-bar">
      <div className="quota-bar__head">
        <span className="quota-bar__title" title={`${title}, since ${quota.since}`}>
          <bdi>{quota.label}</bdi>
          {quotaTitleAfterLabel(quota)}
        </span>
        <span className="quota-bar__days">
          {Math.floor(figures.usedShare)} % · {figures.daysLeftText}
        </span>
      </div>
      {/* The figures below say everything the bar shows, for screen readers too. */}
      <div className="quota-bar__track" aria-hidden="true">
        <div className="quota-bar__fill" style={{ width: `${figures.usedPercent}%` }} />
        {figures.forecastPercent !== null && (
          <div
            className="quota-bar__forecast"
            style={{ left: `calc(${figures.forecastPercent}% - 1px)` }}
          />
        )}
      </div>
      <p className="quota-bar__figures">
        <span>{figures.usedText}</span> · <span>{figures.leftText}</span>
        {figures.forecastText !== null && (
          <>
            {' '}
            ·{' '}
            <span
              className="quota-bar__forecast-text"
              title={method}
              aria-describedby="quota-bars-method"
            >
              {figures.forecastText}
            </span>
          </>
        )}
        {!quota.found && (
          <span className="quota-bar__missing">
            {' '}
            · no router “<bdi>{quota.target}</bdi>” yet
          </span>
        )}
      </p>
    </li>
  );
}
