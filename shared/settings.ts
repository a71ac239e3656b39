// What the admin can change in Settings, its defaults and its validation (used by the
// settings page for messages next to fields, and again by the main process before saving).

export interface DatabaseSettings {
  host: string;
  port: number;
  user: string;
  /** Stored encrypted; never sent back to a page. */
  password: string;
  database: string;
}

export interface Settings {
  apiUrl: string;
  intervalSeconds: number;
  database: DatabaseSettings;
  notifications: boolean;
  launchAtLogin: boolean;
}

/** What a page sends: `password: null` keeps the stored password. */
export interface SettingsInput extends Omit<Settings, 'database'> {
  database: Omit<DatabaseSettings, 'password'> & { password: string | null };
}

/** What a page receives: everything but the password, which it only knows is set. */
export interface SettingsView extends Omit<Settings, 'database'> {
  database: Omit<DatabaseSettings, 'password'> & { passwordSet: boolean };
  /** No settings were saved yet: the page explains what is needed. */
  firstRun: boolean;
  /** Settings come from command-line flags (headless collector) and cannot be saved here. */
  readOnly: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  apiUrl: 'http://127.0.0.1:5001',
  intervalSeconds: 60,
  database: {
    host: '127.0.0.1',
    port: 3306,
    user: 'root',
    password: '',
    database: 'bandwidth_tracker',
  },
  notifications: true,
  launchAtLogin: false,
};

export type SettingsField =
  | 'apiUrl'
  | 'intervalSeconds'
  | 'database.host'
  | 'database.port'
  | 'database.user'
  | 'database.password'
  | 'database.database'
  | 'notifications'
  | 'launchAtLogin';

export type SettingsErrors = Partial<Record<SettingsField, string>>;

export type SettingsValidation =
  | { ok: true; value: SettingsInput }
  | { ok: false; errors: SettingsErrors };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks every field and returns a message per bad field, worded for the admin. */
export function validateSettings(input: unknown): SettingsValidation {
  const errors: SettingsErrors = {};
  const raw = isRecord(input) ? input : {};
  const db = isRecord(raw.database) ? raw.database : {};

  const apiUrl = typeof raw.apiUrl === 'string' ? raw.apiUrl.trim() : '';
  if (!isHttpUrl(apiUrl)) {
    errors.apiUrl = 'Enter the address of the UniFi API server, starting with http:// or https://';
  }
  const interval = Number(raw.intervalSeconds);
  if (!Number.isFinite(interval) || interval < 1 || interval > 86_400) {
    errors.intervalSeconds = 'Enter a number of seconds from 1 to 86400 (one day)';
  }
  const host = typeof db.host === 'string' ? db.host.trim() : '';
  if (host === '' || /[\s/]/.test(host))
    errors['database.host'] = 'Enter a host name or IP address';
  const port = Number(db.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    errors['database.port'] = 'Enter a port from 1 to 65535 (MySQL uses 3306)';
  }
  const user = typeof db.user === 'string' ? db.user.trim() : '';
  if (user === '' || user.length > 80) errors['database.user'] = 'Enter the MySQL user name';
  if (db.password !== null && typeof db.password !== 'string') {
    errors['database.password'] = 'The password must be text';
  }
  const database = typeof db.database === 'string' ? db.database.trim() : '';
  if (!/^[A-Za-z0-9_$-]{1,64}$/.test(database)) {
    errors['database.database'] = 'Use 1 to 64 letters, digits, _ , $ or - for the database name';
  }
  if (typeof raw.notifications !== 'boolean') errors.notifications = 'Choose on or off';
  if (typeof raw.launchAtLogin !== 'boolean') errors.launchAtLogin = 'Choose on or off';

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      apiUrl,
      intervalSeconds: interval,
      database: {
        host,
        port,
        user,
        password: (db.password as string | null | undefined) ?? null,
        database,
      },
      notifications: raw.notifications as boolean,
      launchAtLogin: raw.launchAtLogin as boolean,
    },
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Resolves a page's input against what is stored (a null password keeps the stored one). */
export function applySettingsInput(input: SettingsInput, stored: Settings): Settings {
  return {
    ...input,
    database: { ...input.database, password: input.database.password ?? stored.database.password },
  };
}

export function toSettingsView(
  settings: Settings,
  firstRun: boolean,
  readOnly: boolean,
): SettingsView {
  const { password, ...database } = settings.database;
  return {
    ...settings,
    database: { ...database, passwordSet: password !== '' },
    firstRun,
    readOnly,
  };
}
