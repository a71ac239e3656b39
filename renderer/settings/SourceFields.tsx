import { useState } from 'react';
import type { CertificateCheck } from '../../shared/ipc-contract';
import { controllerOrigin, retypeHint } from '../../shared/secret-binding';
import type { SettingsErrors, SettingsView, SourceKind } from '../../shared/settings';
import { bandwidthClient } from '../client/bandwidth-client';
import { Field } from './Field';
import { SecretField } from './SecretField';
import type { Draft } from './SettingsApp';
import { secretsStillApply } from './secret-targets';

const SOURCES: Array<[SourceKind, string, string]> = [
  [
    'seed',
    'UniFi API server',
    'The intermediate server of the original setup (GET /api/unifi/devices).',
  ],
  [
    'unifi',
    'UniFi controller',
    'A UniFi OS console (Dream Machine, Cloud Key) or a Network controller, read directly.',
  ],
  [
    'demo',
    'Demo network',
    'A simulated office network: no server needed. Everything it shows is labelled DEMO.',
  ],
];

interface Props {
  draft: Draft;
  view: SettingsView;
  errors: SettingsErrors;
  set: (patch: Partial<Draft>) => void;
}

/** What to poll, and how to reach it. */
export function SourceFields({ draft, view, errors, set }: Props) {
  const [check, setCheck] = useState<CertificateCheck | { ok: null } | null>(null);
  const applies = secretsStillApply(draft, view);
  const savedAt = controllerOrigin(view.unifi.controllerUrl) ?? view.unifi.controllerUrl;

  async function checkCertificate() {
    setCheck({ ok: null });
    setCheck(await bandwidthClient().checkCertificate(draft.controllerUrl));
  }

  return (
    <>
      <div className="settings-field" role="radiogroup" aria-label="What to poll">
        {SOURCES.map(([kind, label, hint]) => (
          <label key={kind} className="settings-check">
            <input
              type="radio"
              name="source"
              value={kind}
              checked={draft.source === kind}
              onChange={() => set({ source: kind })}
            />
            <span>
              {label} <small className="settings-field__message">{hint}</small>
            </span>
          </label>
        ))}
      </div>
      {draft.source === 'seed' && (
        <Field
          id="apiUrl"
          label="UniFi API server"
          hint="For example http://127.0.0.1:5001"
          errors={errors}
        >
          {(props) => (
            <input
              {...props}
              type="url"
              value={draft.apiUrl}
              onChange={(e) => set({ apiUrl: e.target.value })}
            />
          )}
        </Field>
      )}
      {draft.source === 'unifi' && (
        <>
          <Field
            id="unifi.controllerUrl"
            label="Controller address"
            hint="https://192.168.1.1 for a UniFi OS console, https://host:8443 for a classic controller"
            errors={errors}
          >
            {(props) => (
              <input
                {...props}
                type="url"
                value={draft.controllerUrl}
                onChange={(e) => set({ controllerUrl: e.target.value })}
              />
            )}
          </Field>
          <Field
            id="unifi.site"
            label="Site"
            hint="The short name in the site's URL, usually default; several separated by commas, or all for every site"
            errors={errors}
          >
            {(props) => (
              <input
                {...props}
                value={draft.site}
                onChange={(e) => set({ site: e.target.value })}
              />
            )}
          </Field>
          <Field
            id="unifi.username"
            label="User name"
            hint="A local account (read-only is enough). Or leave empty and use an API key."
            errors={errors}
          >
            {(props) => (
              <input
                {...props}
                autoComplete="username"
                value={draft.unifiUser}
                onChange={(e) => set({ unifiUser: e.target.value })}
              />
            )}
          </Field>
          <SecretField
            id="unifi.password"
            label="Password"
            stored={applies.unifiPassword}
            hint={
              view.unifi.passwordSet
                ? retypeHint('password', `${view.unifi.username} at ${savedAt}`)
                : undefined
            }
            value={draft.unifiPassword}
            onChange={(unifiPassword) => set({ unifiPassword })}
            errors={errors}
          />
          <SecretField
            id="unifi.apiKey"
            label="API key (instead of a user)"
            stored={applies.apiKey}
            hint={
              view.unifi.apiKeySet
                ? retypeHint('API key', savedAt)
                : 'UniFi Network › Settings › Control Plane › Integrations. Stored encrypted.'
            }
            value={draft.apiKey}
            onChange={(apiKey) => set({ apiKey })}
            errors={errors}
          />
          <Field
            id="unifi.fingerprint"
            label="Trusted certificate (SHA-256)"
            hint="Empty: the usual certificate authorities decide. Controllers often use a self-signed certificate: check it, then trust it."
            errors={errors}
          >
            {(props) => (
              <input
                {...props}
                spellCheck={false}
                value={draft.fingerprint}
                onChange={(e) => set({ fingerprint: e.target.value })}
              />
            )}
          </Field>
          <button type="button" onClick={checkCertificate}>
            Check certificate
          </button>
          {check !== null && (
            <div
              className={`notice${check.ok === false ? ' notice--bad' : ''}`}
              role="status"
              data-testid="certificate-check"
            >
              {check.ok === null && 'Connecting…'}
              {check.ok === false && check.message}
              {check.ok === true && (
                <>
                  <p>
                    The controller presents a certificate with SHA-256 fingerprint{' '}
                    <code className="fingerprint">{check.fingerprint}</code>.{' '}
                    {check.trusted
                      ? 'This computer already trusts it.'
                      : 'This computer does not trust it (it is probably self-signed). Compare it with the one your controller shows, then trust it.'}
                  </p>
                  {!check.trusted && (
                    <button type="button" onClick={() => set({ fingerprint: check.fingerprint })}>
                      Trust this certificate
                    </button>
                  )}
                </>
              )}
            </div>
          )}
          <p className="settings-field__message">
            The download and upload figures of the legacy log come from the controller's last speed
            test (xput_down, xput_up), not from live traffic.
          </p>
        </>
      )}
    </>
  );
}
