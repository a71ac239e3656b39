import { type FormEvent, useEffect, useRef, useState } from 'react';
import { formatFingerprint } from '../../shared/fingerprint';
import type { TestConnectionResult } from '../../shared/ipc-contract';
import { databaseTarget, retypeHint } from '../../shared/secret-binding';
import {
  DATABASE_FIELDS,
  DEFAULT_MAX_RESPONSE_MB,
  type RebootPolicy,
  type SettingsErrors,
  type SettingsField,
  type SettingsInput,
  type SettingsView,
  type SourceKind,
  validateSettings,
} from '../../shared/settings';
import { bandwidthClient } from '../client/bandwidth-client';
import { Field } from './Field';
import { MoreSourcesFields } from './MoreSourcesFields';
import {
  type MoreSourceDraft,
  moreSourceFieldLabel,
  moreSourcesDraftOf,
  moreSourcesInputOf,
} from './more-sources-draft';
import { QuotaSettings } from './QuotaSettings';
import { RouterRoles } from './RouterRoles';
import { SecretField } from './SecretField';
import { SourceFields } from './SourceFields';
import { secretsStillApply } from './secret-targets';
import './settings.css';

export type Draft = {
  source: SourceKind;
  apiUrl: string;
  controllerUrl: string;
  unifiUser: string;
  unifiPassword: string;
  apiKey: string;
  site: string;
  fingerprint: string;
  intervalSeconds: string;
  maxResponseMb: string;
  host: string;
  port: string;
  user: string;
  password: string;
  database: string;
  notifications: boolean;
  launchAtLogin: boolean;
  rebootPolicy: RebootPolicy;
  moreSources: MoreSourceDraft[];
};

function draftOf(view: SettingsView): Draft {
  return {
    source: view.source,
    apiUrl: view.apiUrl,
    controllerUrl: view.unifi.controllerUrl,
    unifiUser: view.unifi.username,
    unifiPassword: '',
    apiKey: '',
    site: view.unifi.site,
    fingerprint: view.unifi.fingerprint === '' ? '' : formatFingerprint(view.unifi.fingerprint),
    intervalSeconds: String(view.intervalSeconds),
    maxResponseMb: String(view.maxResponseMb ?? DEFAULT_MAX_RESPONSE_MB),
    host: view.database.host,
    port: String(view.database.port),
    user: view.database.user,
    password: '',
    database: view.database.database,
    notifications: view.notifications,
    launchAtLogin: view.launchAtLogin,
    rebootPolicy: view.rebootPolicy ?? 'new-baseline',
    moreSources: moreSourcesDraftOf(view.moreSources),
  };
}

function inputOf(draft: Draft, view: SettingsView): SettingsInput {
  const applies = secretsStillApply(draft, view);
  const passwordSet = applies.database;
  // An empty secret box keeps what is stored; there is no way to read it back.
  const keep = (typed: string, stored: boolean) => (typed === '' && stored ? null : typed);
  return {
    source: draft.source,
    apiUrl: draft.apiUrl,
    unifi: {
      controllerUrl: draft.controllerUrl,
      username: draft.unifiUser,
      password: keep(draft.unifiPassword, applies.unifiPassword),
      apiKey: keep(draft.apiKey, applies.apiKey),
      site: draft.site,
      fingerprint: draft.fingerprint,
    },
    intervalSeconds: Number(draft.intervalSeconds),
    // A plain decimal: Number() would take "1e3" or "0x40" as a size.
    maxResponseMb: /^\d+(\.\d+)?$/.test(draft.maxResponseMb.trim())
      ? Number(draft.maxResponseMb.trim())
      : Number.NaN,
    database: {
      host: draft.host,
      // Digits only: Number() would take "1e3" or "0x50" as a port.
      port: /^\d{1,5}$/.test(draft.port.trim()) ? Number(draft.port.trim()) : Number.NaN,
      user: draft.user,
      // An empty box keeps the stored password; there is no way to read it back.
      password: draft.password === '' && passwordSet ? null : draft.password,
      database: draft.database,
    },
    notifications: draft.notifications,
    launchAtLogin: draft.launchAtLogin,
    rebootPolicy: draft.rebootPolicy,
    ...(draft.moreSources.length > 0 ? { moreSources: moreSourcesInputOf(draft.moreSources) } : {}),
  };
}

/** Field names as the form labels them, for messages that list what to fix. */
const FIELD_LABELS: Partial<Record<SettingsField, string>> = {
  apiUrl: 'UniFi API server',
  'unifi.controllerUrl': 'Controller address',
  'unifi.site': 'Site',
  'unifi.username': 'User name',
  'unifi.fingerprint': 'Trusted certificate',
  intervalSeconds: 'Poll every',
  maxResponseMb: 'Largest answer',
  'database.host': 'Host',
  'database.port': 'Port',
  'database.user': 'User',
  'database.password': 'Password',
  'database.database': 'Database',
};

/** What the form checks for an action: everything for Save, the database fields for Test connection. */
type Check = 'save' | 'test';

function errorsFor(input: SettingsInput, check: Check): SettingsErrors {
  const result = validateSettings(input);
  if (result.ok) return {};
  if (check === 'save') return result.errors;
  return Object.fromEntries(
    Object.entries(result.errors).filter(([field]) =>
      DATABASE_FIELDS.includes(field as SettingsField),
    ),
  );
}

function fixMessage(errors: SettingsErrors): string {
  const names = Object.keys(errors).map(
    (f) => FIELD_LABELS[f as SettingsField] ?? moreSourceFieldLabel(f) ?? f,
  );
  return `Fix the marked field${names.length === 1 ? '' : 's'}: ${names.join(', ')}.`;
}

export function SettingsApp() {
  const client = bandwidthClient();
  const [view, setView] = useState<SettingsView | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<SettingsErrors>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [test, setTest] = useState<TestConnectionResult | { ok: null; message: string } | null>(
    null,
  );
  // After a Save or Test, marks follow the fields as they are edited (a fixed field clears).
  const [checking, setChecking] = useState<Check | null>(null);
  // Settings the database test could not verify: saved only when the user says so.
  const [unverified, setUnverified] = useState<string | null>(null);
  /** Bumped by every edit: an answer about an older draft is not shown as this one's. */
  const edits = useRef(0);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    client.getSettings().then(
      (loaded) => {
        setView(loaded);
        setDraft(draftOf(loaded));
      },
      (error: unknown) =>
        setMessage({ ok: false, text: `Settings cannot be loaded: ${String(error)}` }),
    );
  }, [client]);

  if (view === null || draft === null) {
    return (
      <main className="settings">{message === null ? 'Loading settings…' : message.text}</main>
    );
  }
  const set = (patch: Partial<Draft>) => {
    const next = { ...draft, ...patch };
    edits.current += 1;
    setDraft(next);
    setUnverified(null);
    // A connection result (or a "fix the field" note) described the draft before this edit.
    setTest(null);
    if (checking !== null) {
      const now = errorsFor(inputOf(next, view), checking);
      setErrors(now);
      if (Object.keys(now).length === 0) setMessage(null);
      else setMessage({ ok: false, text: fixMessage(now) });
    }
  };
  const input = () => inputOf(draft, view);

  async function store(verifiedMessage: string | null) {
    setUnverified(null);
    const result = await client.saveSettings(input());
    if (result.ok) {
      setView(result.settings);
      setDraft(draftOf(result.settings));
      setChecking(null);
      setMessage(
        verifiedMessage === null
          ? {
              ok: false,
              text: 'Saved. Polling restarted, but the database could not be reached with these settings: the popover says when it can.',
            }
          : { ok: true, text: 'Saved. Polling restarted with the new settings.' },
      );
    } else {
      setErrors(result.errors);
      const marked = Object.keys(result.errors).length > 0;
      setMessage({
        ok: false,
        text: result.message ?? (marked ? fixMessage(result.errors) : 'Saving failed.'),
      });
    }
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setChecking('save');
    const found = errorsFor(input(), 'save');
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setMessage({ ok: false, text: fixMessage(found) });
      return;
    }
    // Settings that cannot reach the database are saved only once the user has been told.
    setMessage({ ok: true, text: 'Checking the database connection…' });
    const checked = edits.current;
    setBusy(true);
    const reached = await client.testDatabase(input()).finally(() => setBusy(false));
    if (edits.current !== checked) {
      // Edited while it was checked: what came back is about settings no longer in the form.
      setMessage(null);
      return;
    }
    if (!reached.ok) {
      setMessage(null);
      setUnverified(reached.message);
      return;
    }
    await store(reached.message);
  }

  async function testConnection() {
    setChecking((c) => c ?? 'test');
    const found = errorsFor(input(), 'test');
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setTest({ ok: false, message: fixMessage(found) });
      return;
    }
    setTest({ ok: null, message: 'Connecting…' });
    const checked = edits.current;
    const result = await client.testDatabase(input());
    if (edits.current === checked) setTest(result);
  }

  const readOnly = view.readOnly;
  return (
    <main className="settings">
      <h1>Settings</h1>
      {view.firstRun && (
        <p className="notice" data-testid="first-run">
          Welcome. Bandwidth Tracker reads byte counters from your UniFi controller (or the UniFi
          API server) and keeps the history in MySQL. Choose what to poll, test the database
          connection, then save. The defaults suit a MySQL server on this computer. No UniFi network
          at hand? Choose the demo network.
        </p>
      )}
      {readOnly && (
        <p className="notice">
          These settings come from the collector's command line and are shown read-only. Restart the
          collector with new flags to change them.
        </p>
      )}
      <form onSubmit={save} noValidate>
        <fieldset disabled={readOnly}>
          <legend>Device source</legend>
          <SourceFields draft={draft} view={view} errors={errors} set={set} />
          <MoreSourcesFields
            sources={draft.moreSources}
            errors={errors}
            onChange={(moreSources) => set({ moreSources })}
            disabled={draft.source === 'demo'}
          />
          <Field id="intervalSeconds" label="Poll every (seconds)" errors={errors}>
            {(props) => (
              <input
                {...props}
                type="number"
                min={1}
                value={draft.intervalSeconds}
                onChange={(e) => set({ intervalSeconds: e.target.value })}
              />
            )}
          </Field>
          <Field
            id="maxResponseMb"
            label="Largest answer (MB)"
            hint={`The most one answer of the source may hold. ${DEFAULT_MAX_RESPONSE_MB} MB suits about 2,500 UniFi devices; raise it only if the popover says an answer was too large.`}
            errors={errors}
          >
            {(props) => (
              <input
                {...props}
                inputMode="decimal"
                value={draft.maxResponseMb}
                onChange={(e) => set({ maxResponseMb: e.target.value })}
              />
            )}
          </Field>
        </fieldset>
        <fieldset disabled={readOnly}>
          <legend>MySQL database</legend>
          <Field id="database.host" label="Host" errors={errors}>
            {(props) => (
              <input
                {...props}
                value={draft.host}
                onChange={(e) => set({ host: e.target.value })}
              />
            )}
          </Field>
          <Field id="database.port" label="Port" errors={errors}>
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                pattern="[0-9]*"
                maxLength={5}
                value={draft.port}
                onChange={(e) => set({ port: e.target.value })}
              />
            )}
          </Field>
          <Field id="database.user" label="User" errors={errors}>
            {(props) => (
              <input
                {...props}
                autoComplete="username"
                value={draft.user}
                onChange={(e) => set({ user: e.target.value })}
              />
            )}
          </Field>
          <SecretField
            id="database.password"
            label="Password"
            stored={secretsStillApply(draft, view).database}
            hint={
              view.database.passwordSet
                ? retypeHint('password', databaseTarget(view.database))
                : undefined
            }
            value={draft.password}
            onChange={(password) => set({ password })}
            errors={errors}
          />
          <Field
            id="database.database"
            label="Database"
            hint="Created on first start if it does not exist"
            errors={errors}
          >
            {(props) => (
              <input
                {...props}
                value={draft.database}
                onChange={(e) => set({ database: e.target.value })}
              />
            )}
          </Field>
          <button type="button" onClick={testConnection}>
            Test connection
          </button>
          {test !== null && (
            <p
              className={`notice${test.ok === false ? ' notice--bad' : ''}`}
              role="status"
              data-testid="test-result"
            >
              {test.message}
            </p>
          )}
        </fieldset>
        <fieldset disabled={readOnly}>
          <legend>App</legend>
          <label className="settings-check">
            <input
              type="checkbox"
              checked={draft.notifications}
              onChange={(e) => set({ notifications: e.target.checked })}
            />
            Notify me when a router reboots or goes offline, and when a quota fills up
          </label>
          <label className="settings-check">
            <input
              type="checkbox"
              checked={draft.launchAtLogin}
              onChange={(e) => set({ launchAtLogin: e.target.checked })}
            />
            Start Bandwidth Tracker when I log in
          </label>
          <Field
            id="rebootPolicy"
            label="When a router reboots"
            hint="Counting since the reboot is exact only when the router came back up after the last poll; otherwise nothing is counted for that poll."
            errors={errors}
          >
            {(props) => (
              <select
                {...props}
                value={draft.rebootPolicy}
                onChange={(e) => set({ rebootPolicy: e.target.value as RebootPolicy })}
              >
                <option value="new-baseline">
                  Count nothing for that poll (the original rule)
                </option>
                <option value="count-since-reboot">Count its traffic since the reboot</option>
              </select>
            )}
          </Field>
        </fieldset>
        {unverified !== null && (
          <div className="notice notice--bad" role="alert" data-testid="unverified">
            <p>
              These settings could not be verified: {unverified}. Saved as they are, polling will
              wait until the database answers.
            </p>
            <button type="button" onClick={() => store(null)}>
              Save anyway
            </button>{' '}
            <button type="button" onClick={() => setUnverified(null)}>
              Keep editing
            </button>
          </div>
        )}
        {!readOnly && (
          <button type="submit" disabled={busy}>
            Save
          </button>
        )}
        {message !== null && (
          <p className={`notice${message.ok ? '' : ' notice--bad'}`} role="status">
            {message.text}
          </p>
        )}
      </form>
      <RouterRoles />
      {!view.firstRun && <QuotaSettings />}
    </main>
  );
}
