import type { SettingsErrors, SettingsField } from '../../shared/settings';
import { Field } from './Field';
import { type MoreSourceDraft, NEW_MORE_SOURCE, storedSecretsApply } from './more-sources-draft';
import { SecretField } from './SecretField';
import './more-sources.css';

interface Props {
  sources: MoreSourceDraft[];
  errors: SettingsErrors;
  onChange: (sources: MoreSourceDraft[]) => void;
  /** The demo runs alone. */
  disabled: boolean;
}

/**
 * Sources polled at the same time as the one above: another controller, or the API server
 * beside a controller. Each has its own outage; the headings of the popover name their sites.
 */
export function MoreSourcesFields({ sources, errors, onChange, disabled }: Props) {
  const update = (index: number, patch: Partial<MoreSourceDraft>) =>
    onChange(sources.map((s, i) => (i === index ? { ...s, ...patch } : s)));
  const field = (index: number, name: string) => `moreSources.${index}.${name}` as SettingsField;
  return (
    <section className="more-sources" aria-labelledby="more-sources-title">
      <h3 id="more-sources-title" className="more-sources__title">
        Also poll
      </h3>
      <p className="settings-field__message">
        More controllers, or the UniFi API server beside a controller: all are polled at the same
        time, and one that does not answer does not stop the others.
      </p>
      {sources.map((source, index) => {
        const applies = storedSecretsApply(source);
        const name = `Additional source ${index + 1}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: entries have no identity of their own; their order is their identity.
          <fieldset key={index} className="more-sources__entry">
            <legend>{name}</legend>
            <Field id={field(index, 'kind')} label="What to poll" errors={errors}>
              {(props) => (
                <select
                  {...props}
                  value={source.kind}
                  onChange={(e) => update(index, { kind: e.target.value as 'seed' | 'unifi' })}
                >
                  <option value="unifi">UniFi controller</option>
                  <option value="seed">UniFi API server</option>
                </select>
              )}
            </Field>
            {source.kind === 'seed' ? (
              <Field id={field(index, 'apiUrl')} label="UniFi API server" errors={errors}>
                {(props) => (
                  <input
                    {...props}
                    type="url"
                    value={source.apiUrl}
                    onChange={(e) => update(index, { apiUrl: e.target.value })}
                  />
                )}
              </Field>
            ) : (
              <>
                <Field
                  id={field(index, 'controllerUrl')}
                  label="Controller address"
                  hint="For example https://192.168.1.1"
                  errors={errors}
                >
                  {(props) => (
                    <input
                      {...props}
                      type="url"
                      value={source.controllerUrl}
                      onChange={(e) => update(index, { controllerUrl: e.target.value })}
                    />
                  )}
                </Field>
                <Field
                  id={field(index, 'site')}
                  label="Sites"
                  hint="A site's short name (usually default), several separated by commas, or all"
                  errors={errors}
                >
                  {(props) => (
                    <input
                      {...props}
                      value={source.site}
                      onChange={(e) => update(index, { site: e.target.value })}
                    />
                  )}
                </Field>
                <Field id={field(index, 'username')} label="User name" errors={errors}>
                  {(props) => (
                    <input
                      {...props}
                      autoComplete="username"
                      value={source.username}
                      onChange={(e) => update(index, { username: e.target.value })}
                    />
                  )}
                </Field>
                <SecretField
                  id={field(index, 'password')}
                  label="Password"
                  stored={applies.password}
                  value={source.password}
                  onChange={(password) => update(index, { password })}
                  errors={errors}
                />
                <SecretField
                  id={field(index, 'apiKey')}
                  label="Or an API key"
                  stored={applies.apiKey}
                  value={source.apiKey}
                  onChange={(apiKey) => update(index, { apiKey })}
                  errors={errors}
                />
                <Field
                  id={field(index, 'fingerprint')}
                  label="Trusted certificate (SHA-256)"
                  hint="For a self-signed certificate; empty trusts the usual authorities"
                  errors={errors}
                >
                  {(props) => (
                    <input
                      {...props}
                      value={source.fingerprint}
                      onChange={(e) => update(index, { fingerprint: e.target.value })}
                    />
                  )}
                </Field>
              </>
            )}
            <button
              type="button"
              className="more-sources__remove"
              onClick={() => onChange(sources.filter((_, i) => i !== index))}
            >
              Remove {name.toLowerCase()}
            </button>
          </fieldset>
        );
      })}
      <button
        type="button"
        disabled={disabled}
        onClick={() => onChange([...sources, NEW_MORE_SOURCE])}
      >
        Add a source
      </button>
      {disabled && <p className="settings-field__message">The demo network runs alone.</p>}
    </section>
  );
}
