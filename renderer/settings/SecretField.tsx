import type { SettingsErrors, SettingsField } from '../../shared/settings';
import { Field } from './Field';

interface Props {
  id: SettingsField;
  label: string;
  /** A secret is stored: it cannot be shown, only kept (empty box) or replaced. */
  stored: boolean;
  /** What the box says when nothing is stored yet. */
  hint?: string;
  value: string;
  onChange: (value: string) => void;
  errors: SettingsErrors;
}

/** A password or key box: the stored secret never comes back to the page. */
export function SecretField({ id, label, stored, hint, value, onChange, errors }: Props) {
  return (
    <Field
      id={id}
      label={label}
      hint={
        stored
          ? 'Stored (encrypted). Leave empty to keep it.'
          : (hint ?? 'Stored encrypted by your system keychain.')
      }
      errors={errors}
    >
      {(props) => (
        <input
          {...props}
          type="password"
          autoComplete={id.endsWith('apiKey') ? 'off' : 'current-password'}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
