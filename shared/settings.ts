// What the admin can change in Settings, its defaults and its validation (used by the
// settings page for messages next to fields, and again by the main process before saving).

import { normalizeFingerprint } from './fingerprint';
import {
  applyMoreSources,
  type MoreSource,
  type MoreSourceField,
  type MoreSourceInput,
  type MoreSourceView,
  validateMoreSources,
  viewOfMoreSources,
} from './more-sources';
import { reusableSecrets } from './secret-binding';
import { parseSiteSelection } from './unifi-sites';

export interface DatabaseSettings {
  host: string;
  port: number;
  user: string;
  /** Stored encrypted; never sent back to a page. */
  password: string;
  database: string;
}

/** What is polled: the UniFi API server of the original design, a controller, or the demo. */
export type SourceKind = 'seed' | 'unifi' | 'demo';
export const SOURCE_KINDS: readonly SourceKind[] = ['seed', 'unifi', 'demo'];

export interface UnifiControllerSettings {
  controllerUrl: string;
  /** A local account's user name, with `password`; or leave both empty and use `apiKey`. */
  username: string;
  /** Stored encrypted; never sent back to a page. */
  password: string;
  /** Stored encrypted; never sent back to a page. */
  apiKey: string;
  site: string;
  /** A trusted SHA-256 certificate fingerprint (64 hex digits), or empty to verify normally. */
  fingerprint: string;
}

export interface Settings {
  source: SourceKind;
  apiUrl: string;
  unifi: UnifiControllerSettings;
  intervalSeconds: number;
  database: DatabaseSettings;
  notifications: boolean;
  launchAtLogin: boolean;
  /** What a true reboot counts; `new-baseline` (the design's rule) when absent. */
  rebootPolicy?: RebootPolicy;
  /** The most one answer of the device source may hold, in MB (decimal); 64 when absent. */
  maxResponseMb?: number;
  /** Sources polled at the same time as the main one (see more-sources.ts); none when absent. */
  moreSources?: MoreSource[];
}

/** 64 MB: about 2,500 UniFi devices in one answer, or 250,000 of the seed API. */
export const DEFAULT_MAX_RESPONSE_MB = 64;
/** Past ~500 MB an answer could not become one JavaScript string (V8's limit is ~536 MB). */
export const MAX_RESPONSE_MB = 500;
/** How a message names the field that raises the limit, for desktop users. */
export const RESPONSE_LIMIT_IN_SETTINGS = '“Largest answer” in Settings (Device source)';

/** What a true reboot counts: nothing (the design's rule), or the traffic since, where exact. */
export type RebootPolicy = 'new-baseline' | 'count-since-reboot';

export const REBOOT_POLICIES: readonly RebootPolicy[] = ['new-baseline', 'count-since-reboot'];

type UnifiWithoutSecrets = Omit<UnifiControllerSettings, 'password' | 'apiKey'>;

/** What a page sends: a null password or key keeps the stored one. */
export interface SettingsInput extends Omit<Settings, 'database' | 'unifi' | 'moreSources'> {
  database: Omit<DatabaseSettings, 'password'> & { password: string | null };
  unifi: UnifiWithoutSecrets & { password: string | null; apiKey: string | null };
  moreSources?: MoreSourceInput[];
}

/** What a page receives: everything but the secrets, which it only knows are set. */
export interface SettingsView extends Omit<Settings, 'database' | 'unifi' | 'moreSources'> {
  database: Omit<DatabaseSettings, 'password'> & { passwordSet: boolean };
  unifi: UnifiWithoutSecrets & { passwordSet: boolean; apiKeySet: boolean };
  moreSources?: MoreSourceView[];
  /** No settings were saved yet: the page explains what is needed. */
  firstRun: boolean;
  /** Settings come from command-line flags (headless collector) and cannot be saved here. */
  readOnly: boolean;
}

export const DEFAULT_UNIFI: UnifiControllerSettings = {
  controllerUrl: '',
  username: '',
  password: '',
  apiKey: '',
  site: 'default',
  fingerprint: '',
};

export const DEFAULT_SETTINGS: Settings = {
  source: 'seed',
  apiUrl: 'http://127.0.0.1:5001',
  unifi: DEFAULT_UNIFI,
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

/** `npm run demo`: the demo network, in a database of its own. */
export const DEMO_SETTINGS: Settings = {
  ...DEFAULT_SETTINGS,
  source: 'demo',
  database: { ...DEFAULT_SETTINGS.database, database: 'bandwidth_tracker_demo' },
};

export type SettingsField =
  | 'source'
  | 'apiUrl'
  | 'unifi.controllerUrl'
  | 'unifi.username'
  | 'unifi.password'
  | 'unifi.apiKey'
  | 'unifi.site'
  | 'unifi.fingerprint'
  | 'intervalSeconds'
  | 'database.host'
  | 'database.port'
  | 'database.user'
  | 'database.password'
  | 'database.database'
  | 'notifications'
  | 'launchAtLogin'
  | 'rebootPolicy'
  | 'maxResponseMb'
  | MoreSourceField;

export type SettingsErrors = Partial<Record<SettingsField, string>>;

export type SettingsValidation =
  | { ok: true; value: SettingsInput }
  | { ok: false; errors: SettingsErrors };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The longest user name MariaDB 10.11 accepts (CREATE USER says so past it); MySQL 8 stops at 32. */
export const MAX_MYSQL_USER_LENGTH = 128;

/** The fields the database connection needs: all that Test connection checks. */
export const DATABASE_FIELDS: readonly SettingsField[] = [
  'database.host',
  'database.port',
  'database.user',
  'database.password',
  'database.database',
];

/** Checks every field and returns a message per bad field, worded for the admin. */
export function validateSettings(input: unknown): SettingsValidation {
  const errors: SettingsErrors = {};
  const raw = isRecord(input) ? input : {};
  const db = isRecord(raw.database) ? raw.database : {};

  // Files saved before sources existed have neither field: they meant the seed API.
  const source = raw.source === undefined ? 'seed' : raw.source;
  if (!SOURCE_KINDS.includes(source as SourceKind)) errors.source = 'Choose what to poll';
  const apiUrl = typeof raw.apiUrl === 'string' ? raw.apiUrl.trim() : '';
  if (source === 'seed' && !isHttpUrl(apiUrl)) {
    errors.apiUrl = 'Enter the address of the UniFi API server, starting with http:// or https://';
  }
  const unifi = validateUnifi(isRecord(raw.unifi) ? raw.unifi : {}, source === 'unifi', errors);
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
  if (user === '') errors['database.user'] = 'Enter the MySQL user name';
  else if ([...user].length > MAX_MYSQL_USER_LENGTH)
    errors['database.user'] =
      `A MySQL user name has at most ${MAX_MYSQL_USER_LENGTH} characters (MariaDB 10.11; MySQL 8 allows 32)`;
  if (db.password !== null && typeof db.password !== 'string') {
    errors['database.password'] = 'The password must be text';
  }
  const database = typeof db.database === 'string' ? db.database.trim() : '';
  if (!/^[A-Za-z0-9_$-]{1,64}$/.test(database)) {
    errors['database.database'] = 'Use 1 to 64 letters, digits, _ , $ or - for the database name';
  }
  if (typeof raw.notifications !== 'boolean') errors.notifications = 'Choose on or off';
  if (typeof raw.launchAtLogin !== 'boolean') errors.launchAtLogin = 'Choose on or off';
  // Settings saved before the policy existed keep the design's rule.
  const rebootPolicy = raw.rebootPolicy ?? 'new-baseline';
  if (!REBOOT_POLICIES.includes(rebootPolicy as RebootPolicy)) {
    errors.rebootPolicy = 'Choose what a reboot counts';
  }
  // Settings saved before the field existed keep the default.
  const maxResponseMb =
    raw.maxResponseMb === undefined ? DEFAULT_MAX_RESPONSE_MB : Number(raw.maxResponseMb);
  if (
    typeof (raw.maxResponseMb ?? 0) !== 'number' ||
    !Number.isFinite(maxResponseMb) ||
    maxResponseMb < 0.001 ||
    maxResponseMb > MAX_RESPONSE_MB
  ) {
    errors.maxResponseMb = `Enter a size in MB from 0.001 to ${MAX_RESPONSE_MB}; ${DEFAULT_MAX_RESPONSE_MB} suits about 2,500 UniFi devices`;
  }

  const more = validateMoreSources(raw.moreSources);
  if (source === 'demo' && more.value.length > 0)
    more.errors['moreSources.0.kind'] = 'The demo network runs alone: remove the other sources';
  Object.assign(errors, more.errors);

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      source: source as SourceKind,
      apiUrl,
      unifi,
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
      rebootPolicy: rebootPolicy as RebootPolicy,
      maxResponseMb,
      ...(more.value.length > 0 ? { moreSources: more.value } : {}),
    },
  };
}

function validateUnifi(
  raw: Record<string, unknown>,
  used: boolean,
  errors: SettingsErrors,
): SettingsInput['unifi'] {
  const field = (name: string, fallback = '') =>
    typeof raw[name] === 'string' ? (raw[name] as string).trim() : fallback;
  const secret = (name: string) =>
    raw[name] === null || raw[name] === undefined ? null : String(raw[name]);
  const value = {
    controllerUrl: field('controllerUrl'),
    username: field('username'),
    password: secret('password'),
    apiKey: secret('apiKey'),
    site: field('site', 'default'),
    fingerprint: field('fingerprint'),
  };
  const fingerprint = value.fingerprint === '' ? '' : normalizeFingerprint(value.fingerprint);
  // Only what the chosen source needs is checked: a hidden field never blocks saving.
  if (fingerprint === null && used) {
    errors['unifi.fingerprint'] =
      'A SHA-256 fingerprint is 64 hexadecimal digits (colons allowed); leave it empty to trust the usual certificate authorities';
  } else if (fingerprint !== null) {
    value.fingerprint = fingerprint;
  }
  if (!used) return value;
  if (!isHttpUrl(value.controllerUrl)) {
    errors['unifi.controllerUrl'] =
      'Enter the controller address, for example https://192.168.1.1 (a UniFi OS console) or https://controller:8443';
  }
  if (parseSiteSelection(value.site) === null) {
    errors['unifi.site'] =
      'Enter the site’s short name from its URL (…/site/NAME/…), usually default; several separated by commas, or all for every site';
  }
  if (value.username === '' && (value.apiKey === '' || value.apiKey === null)) {
    errors['unifi.username'] = 'Enter a local account’s user name and password, or an API key';
  }
  return value;
}

/** A site's short name as it appears in the controller's URLs (`default`, `branch_2`). */
export function isUnifiSiteName(text: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(text);
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Resolves a page's input against what is stored: a null password keeps the stored one, but
 * only for the target it was saved for (see secret-binding.ts); otherwise it is empty.
 */
export function applySettingsInput(input: SettingsInput, stored: Settings): Settings {
  const reusable = reusableSecrets(input, stored);
  const { moreSources, ...rest } = input;
  return {
    ...rest,
    ...(moreSources === undefined || moreSources.length === 0
      ? {}
      : { moreSources: applyMoreSources(moreSources, stored.moreSources ?? []) }),
    database: { ...input.database, password: input.database.password ?? reusable.database },
    unifi: {
      ...input.unifi,
      password: input.unifi.password ?? reusable.unifiPassword,
      apiKey: input.unifi.apiKey ?? reusable.apiKey,
    },
  };
}

export function toSettingsView(
  settings: Settings,
  firstRun: boolean,
  readOnly: boolean,
): SettingsView {
  const { password, ...database } = settings.database;
  const { password: unifiPassword, apiKey, ...unifi } = settings.unifi;
  const { moreSources, ...rest } = settings;
  return {
    ...rest,
    ...(moreSources === undefined ? {} : { moreSources: viewOfMoreSources(moreSources) }),
    database: { ...database, passwordSet: password !== '' },
    unifi: { ...unifi, passwordSet: unifiPassword !== '', apiKeySet: apiKey !== '' },
    firstRun,
    readOnly,
  };
}
