// A stored secret is bound to where it was saved for: the MySQL password to its user, host and
// port, the controller's password to its account and address, the API key to its address. A
// page (or any other caller) that names another target gets no stored secret: it must type it
// again. Otherwise "Test connection" against a server of the caller's choosing would hand the
// stored password to that server.

import type { Settings, SettingsErrors, SettingsInput } from './settings';

/** `user@host:port`, the one place a stored MySQL password may go. */
export function databaseTarget(db: { host: string; port: number; user: string }): string {
  return `${db.user.trim()}@${db.host.trim().toLowerCase()}:${db.port}`;
}

/** The controller's origin (scheme, host, port), or null when the address is not a URL. */
export function controllerOrigin(controllerUrl: string): string | null {
  try {
    const origin = new URL(controllerUrl.trim()).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** The fields that say where the secrets go (a page's draft or saved settings). */
export interface SecretTargets {
  database: { host: string; port: number; user: string };
  unifi: { controllerUrl: string; username: string };
}

/** Whether a page's fields still name the target each stored secret was saved for. */
export function sameSecretTargets(
  input: SecretTargets,
  stored: SecretTargets,
): { database: boolean; controllerPassword: boolean; apiKey: boolean } {
  const origin = controllerOrigin(input.unifi.controllerUrl);
  const sameOrigin = origin !== null && origin === controllerOrigin(stored.unifi.controllerUrl);
  return {
    database: databaseTarget(input.database) === databaseTarget(stored.database),
    controllerPassword: sameOrigin && input.unifi.username.trim() === stored.unifi.username.trim(),
    apiKey: sameOrigin,
  };
}

/** What Settings says under a secret box whose saved value no longer applies. */
export function retypeHint(secret: 'password' | 'API key', target: string): string {
  return `The saved ${secret} is only sent to ${target}: type the one for this server, or leave empty if it needs none.`;
}

/** The stored secrets this input may reuse; a secret whose target changed becomes empty. */
export function reusableSecrets(
  input: SettingsInput,
  stored: Settings,
): { database: string; unifiPassword: string; apiKey: string } {
  const same = sameSecretTargets(input, stored);
  return {
    database: same.database ? stored.database.password : '',
    unifiPassword: same.controllerPassword ? stored.unifi.password : '',
    apiKey: same.apiKey ? stored.unifi.apiKey : '',
  };
}

/**
 * The secrets a caller left out (null: "keep the stored one") although their target changed,
 * with a message per field saying why it must be typed again. Empty when nothing is missing.
 */
export function secretsToRetype(input: SettingsInput, stored: Settings): SettingsErrors {
  const same = sameSecretTargets(input, stored);
  const errors: SettingsErrors = {};
  if (input.database.password === null && stored.database.password !== '' && !same.database) {
    errors['database.password'] =
      `Type the password again: the saved one is only sent to ${databaseTarget(stored.database)}, and the user, host or port changed. Leave the box empty only if this server has no password.`;
  }
  if (input.source !== 'unifi') return errors;
  const storedOrigin = controllerOrigin(stored.unifi.controllerUrl) ?? 'the saved address';
  if (
    input.unifi.password === null &&
    input.unifi.username !== '' &&
    stored.unifi.password !== '' &&
    !same.controllerPassword
  ) {
    errors['unifi.password'] =
      `Type the password again: the saved one is only sent to ${stored.unifi.username} at ${storedOrigin}, and the address or user name changed.`;
  }
  if (
    input.unifi.apiKey === null &&
    input.unifi.username === '' &&
    stored.unifi.apiKey !== '' &&
    !same.apiKey
  ) {
    errors['unifi.apiKey'] =
      `Type the API key again: the saved one is only sent to ${storedOrigin}, and the address changed.`;
  }
  return errors;
}
