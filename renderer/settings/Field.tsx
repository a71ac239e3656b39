import type { ReactNode } from 'react';
import type { SettingsErrors, SettingsField } from '../../shared/settings';

export type FieldProps = {
  id: SettingsField;
  label: string;
  hint?: string;
  errors: SettingsErrors;
  children: (props: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby': string;
  }) => ReactNode;
};

export function Field({ id, label, hint, errors, children }: FieldProps) {
  const error = errors[id];
  const domId = `field-${id.replace('.', '-')}`;
  return (
    <div className={`settings-field${error === undefined ? '' : ' settings-field--invalid'}`}>
      <label htmlFor={domId}>{label}</label>
      {children({
        id: domId,
        'aria-invalid': error !== undefined,
        'aria-describedby': `${domId}-message`,
      })}
      <span
        id={`${domId}-message`}
        className="settings-field__message"
        role={error === undefined ? undefined : 'alert'}
      >
        {error ?? hint ?? ''}
      </span>
    </div>
  );
}
