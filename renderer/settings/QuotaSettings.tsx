import { type FormEvent, type ReactNode, useState } from 'react';
import type { QuotaInput, QuotaView } from '../../shared/ipc-contract';
import { workstationTimeZone } from '../../shared/quota';
import { quotaTitleAfterLabel } from '../../shared/quota-bar';
import { FORECAST_METHOD } from '../../shared/quota-forecast';
import { checkOfflinePolls, validateQuotaInput } from '../../shared/quota-input';
import { formatBytes } from '../../shared/units';
import { bandwidthClient } from '../client/bandwidth-client';
import { useQuotas } from '../hooks/useQuotas';
import './quota-settings.css';

type Errors = Partial<Record<string, string>>;

const EMPTY: QuotaInput = {
  target: 'wan',
  size: '',
  period: 'month',
  billingDay: 1,
  direction: 'both',
  thresholds: '80, 90, 100',
  timeZone: '',
};

function QuotaField(props: {
  id: string;
  label: string;
  hint?: string;
  errors: Errors;
  children: (input: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby': string;
  }) => ReactNode;
}) {
  const error = props.errors[props.id];
  const domId = `quota-${props.id}`;
  return (
    <div
      className={`quota-settings__field${error === undefined ? '' : ' quota-settings__field--invalid'}`}
    >
      <label htmlFor={domId}>{props.label}</label>
      {props.children({
        id: domId,
        'aria-invalid': error !== undefined,
        'aria-describedby': `${domId}-message`,
      })}
      <span
        id={`${domId}-message`}
        className="quota-settings__message"
        role={error === undefined ? undefined : 'alert'}
      >
        {error ?? props.hint ?? ''}
      </span>
    </div>
  );
}

function inputOf(view: QuotaView): QuotaInput {
  return {
    target: view.target,
    size: formatBytes(BigInt(view.sizeBytes)).replace(' ', ''),
    period: view.period,
    billingDay: view.billingDay,
    direction: view.direction,
    thresholds: view.thresholds.join(', '),
    timeZone: view.timeZone,
  };
}

/**
 * Quotas and offline alerts, stored in MySQL (every workstation on the database shares them),
 * saved on their own: also where the other settings are read-only (the headless collector).
 */
export function QuotaSettings() {
  const { state, error, replace } = useQuotas();
  const [draft, setDraft] = useState<QuotaInput>(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  /** Fields are checked as they are typed once a save was tried. */
  const [tried, setTried] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [polls, setPolls] = useState<string | null>(null);
  const [pollsError, setPollsError] = useState<string | null>(null);
  const client = bandwidthClient();

  function set(patch: Partial<QuotaInput>) {
    const next = { ...draft, ...patch };
    setDraft(next);
    setMessage(null);
    if (tried) {
      const check = validateQuotaInput(next);
      setErrors(check.ok ? {} : check.errors);
    }
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setTried(true);
    const check = validateQuotaInput(draft);
    if (!check.ok) {
      setErrors(check.errors);
      return;
    }
    try {
      const result = await client.saveQuota(draft);
      if (!result.ok) {
        setErrors(result.errors);
        return;
      }
      replace(result.state);
      setErrors({});
      setTried(false);
      setDraft(EMPTY);
      setMessage({ ok: true, text: `Quota for ${check.quota.target} saved.` });
    } catch (caught) {
      setMessage({ ok: false, text: caught instanceof Error ? caught.message : String(caught) });
    }
  }

  async function remove(quota: QuotaView) {
    try {
      replace(await client.deleteQuota(quota.id));
      setMessage({ ok: true, text: `Quota for ${quota.target} removed.` });
    } catch (caught) {
      setMessage({ ok: false, text: caught instanceof Error ? caught.message : String(caught) });
    }
  }

  async function savePolls() {
    const value = Number(polls ?? state?.offlinePolls);
    const problem = checkOfflinePolls(value);
    setPollsError(problem);
    if (problem !== null) return;
    const result = await client.setOfflinePolls(value);
    if (result.ok) {
      replace(result.state);
      setPolls(null);
    } else setPollsError(result.errors.offlinePolls ?? 'Not saved.');
  }

  const pollsShown = polls ?? String(state?.offlinePolls ?? '');
  return (
    <section className="quota-settings" aria-labelledby="quota-settings-title">
      <h2 id="quota-settings-title">Quotas and alerts</h2>
      <p className="quota-settings__intro">
        Shared by every computer on this database. Thresholds are announced once per period.{' '}
        {FORECAST_METHOD}
      </p>
      {error !== null && (
        <p className="notice notice--bad" role="status">
          Quotas cannot be read: {error}
        </p>
      )}
      {state !== null && state.quotas.length > 0 && (
        <ul className="quota-settings__list" aria-label="Quotas">
          {state.quotas.map((quota) => (
            <li key={quota.id} className="quota-settings__item" data-testid="quota-item">
              <span>
                <bdi>{quota.label}</bdi>
                {quotaTitleAfterLabel(quota)}
                {quota.period === 'month' ? `, from day ${quota.billingDay}` : ''} ·{' '}
                {quota.thresholds.join(', ')} % · {quota.timeZone}
              </span>
              <span className="quota-settings__actions">
                <button type="button" onClick={() => setDraft(inputOf(quota))}>
                  Edit
                </button>
                <button type="button" onClick={() => void remove(quota)}>
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      <form className="quota-settings__form" onSubmit={save} noValidate aria-label="Quota">
        <QuotaField
          id="target"
          label="Counts"
          hint="wan for the internet (the edge routers), wan@SITE for one site, or a router's name or MAC"
          errors={errors}
        >
          {(props) => (
            <input
              {...props}
              value={draft.target}
              onChange={(e) => set({ target: e.target.value })}
            />
          )}
        </QuotaField>
        <QuotaField id="size" label="Size" hint="Decimal units: 500GB, 1TB" errors={errors}>
          {(props) => (
            <input
              {...props}
              placeholder="1TB"
              value={draft.size}
              onChange={(e) => set({ size: e.target.value })}
            />
          )}
        </QuotaField>
        <QuotaField id="period" label="Period" errors={errors}>
          {(props) => (
            <select
              {...props}
              value={draft.period}
              onChange={(e) => set({ period: e.target.value as QuotaInput['period'] })}
            >
              <option value="month">Monthly</option>
              <option value="week">Weekly (from Monday)</option>
              <option value="day">Daily</option>
            </select>
          )}
        </QuotaField>
        {draft.period === 'month' && (
          <QuotaField
            id="billingDay"
            label="Billing day"
            hint="The day the period starts, at midnight; 31 means the last day of shorter months"
            errors={errors}
          >
            {(props) => (
              <input
                {...props}
                type="number"
                min={1}
                max={31}
                value={Number.isNaN(draft.billingDay) ? '' : draft.billingDay}
                onChange={(e) => set({ billingDay: Number.parseInt(e.target.value, 10) })}
              />
            )}
          </QuotaField>
        )}
        <QuotaField id="direction" label="Traffic" errors={errors}>
          {(props) => (
            <select
              {...props}
              value={draft.direction}
              onChange={(e) => set({ direction: e.target.value as QuotaInput['direction'] })}
            >
              <option value="both">Download and upload</option>
              <option value="down">Download only</option>
              <option value="up">Upload only</option>
            </select>
          )}
        </QuotaField>
        <QuotaField
          id="thresholds"
          label="Announce at (%)"
          hint="A desktop notice at each, once per period"
          errors={errors}
        >
          {(props) => (
            <input
              {...props}
              value={draft.thresholds}
              onChange={(e) => set({ thresholds: e.target.value })}
            />
          )}
        </QuotaField>
        <QuotaField
          id="timeZone"
          label="Time zone"
          hint={`Days are counted in this zone; empty: this computer's (${workstationTimeZone()})`}
          errors={errors}
        >
          {(props) => (
            <input
              {...props}
              placeholder={workstationTimeZone()}
              value={draft.timeZone}
              onChange={(e) => set({ timeZone: e.target.value })}
            />
          )}
        </QuotaField>
        <button type="submit">Save quota</button>
        {message !== null && (
          <p className={`notice${message.ok ? '' : ' notice--bad'}`} role="status">
            {message.text}
          </p>
        )}
      </form>
      <div className="quota-settings__offline">
        <div
          className={`quota-settings__field${pollsError === null ? '' : ' quota-settings__field--invalid'}`}
        >
          <label htmlFor="quota-offline-polls">Announce a router offline after (polls)</label>
          <input
            id="quota-offline-polls"
            type="number"
            min={1}
            aria-invalid={pollsError !== null}
            aria-describedby="quota-offline-polls-message"
            value={pollsShown}
            onChange={(e) => {
              setPolls(e.target.value);
              setPollsError(null);
            }}
          />
          <span
            id="quota-offline-polls-message"
            className="quota-settings__message"
            role={pollsError === null ? undefined : 'alert'}
          >
            {pollsError ??
              'Missing from the answer, or reported offline, this many polls in a row; one notice when it goes, one when it is back'}
          </span>
        </div>
        <button type="button" onClick={() => void savePolls()}>
          Save alert setting
        </button>
      </div>
    </section>
  );
}
