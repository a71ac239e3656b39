import mysql from 'mysql2/promise';
import type { CallHandlers, TestConnectionResult, WindowName } from '../../shared/ipc-contract';
import { controllerOrigin, secretsToRetype } from '../../shared/secret-binding';
import {
  applySettingsInput,
  DATABASE_FIELDS,
  DEFAULT_MAX_RESPONSE_MB,
  DEFAULT_SETTINGS,
  type Settings,
  type SettingsInput,
  toSettingsView,
  validateSettings,
} from '../../shared/settings';
import type { BandwidthService, ServiceSettings } from './bandwidth-service';
import { describeMysqlError } from './db/connection';
import { RateLimit } from './rate-limit';
import type { SettingsStore } from './settings-store';
import { megabytes } from './sources/bounded-body';
import type { SourceSettings } from './sources/create-source';
import { formatFingerprint, inspectCertificate } from './sources/https-client';

/** What only the shell can do (windows, login items); the headless collector does without. */
export interface ShellActions {
  openWindow(name: WindowName, options: { routerId?: number }): void;
  /** Side effects of saved settings outside the core, such as launch at login. */
  settingsSaved?(settings: Settings): void;
}

export const SETTINGS_HINT = 'Settings';

/** What a Settings form says to poll, as the core's source settings. */
export function toSourceSettings(settings: Settings): SourceSettings {
  switch (settings.source) {
    case 'seed':
      return { kind: 'seed', apiUrl: settings.apiUrl };
    case 'demo':
      return { kind: 'demo' };
    case 'unifi': {
      const u = settings.unifi;
      return {
        kind: 'unifi',
        controllerUrl: u.controllerUrl,
        auth:
          u.apiKey !== ''
            ? { kind: 'api-key', apiKey: u.apiKey }
            : { kind: 'password', username: u.username, password: u.password },
        site: u.site,
        fingerprint: u.fingerprint === '' ? null : u.fingerprint,
      };
    }
  }
}

/** The additional sources of Settings, as the core's source settings. */
function moreSourceSettings(settings: Settings): SourceSettings[] {
  return (settings.moreSources ?? []).map((more) =>
    more.kind === 'seed'
      ? { kind: 'seed', apiUrl: more.apiUrl }
      : toSourceSettings({
          ...settings,
          source: 'unifi',
          unifi: { ...more },
        }),
  );
}

export function toServiceSettings(settings: Settings, timeoutMs = 10_000): ServiceSettings {
  const more = moreSourceSettings(settings);
  return {
    apiUrl: settings.apiUrl,
    source: toSourceSettings(settings),
    ...(more.length > 0 ? { sources: [toSourceSettings(settings), ...more] } : {}),
    intervalMs: Math.round(settings.intervalSeconds * 1000),
    timeoutMs,
    mysql: { ...settings.database },
    rebootPolicy: settings.rebootPolicy,
    maxResponseBytes: megabytes(settings.maxResponseMb ?? DEFAULT_MAX_RESPONSE_MB),
  };
}

/** Tries the connection a settings form describes, and says exactly what happened. */
export async function testDatabaseConnection(settings: Settings): Promise<TestConnectionResult> {
  const db = settings.database;
  let connection: mysql.Connection | null = null;
  try {
    connection = await mysql.createConnection({
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      connectTimeout: 5_000,
    });
    const [[row]] = await connection.query<mysql.RowDataPacket[]>(
      'SELECT VERSION() AS version, (SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?) AS found',
      [db.database],
    );
    const version = String(row?.version ?? 'unknown version');
    const exists = Number(row?.found) > 0;
    return {
      ok: true,
      message: `Connected to MySQL ${version} at ${db.host}:${db.port} as ${db.user}. Database "${db.database}" ${exists ? 'exists' : 'does not exist yet and will be created'}.`,
    };
  } catch (error) {
    return { ok: false, message: describeMysqlError(error, { ...db }, SETTINGS_HINT) };
  } finally {
    await connection?.end().catch(() => {});
  }
}

/** Certificate checks a page may ask for per minute (each opens a TLS connection). */
export const CERTIFICATE_CHECKS_PER_MINUTE = 10;
/** Test connection opens a connection to any host and port it is given: the same bound. */
export const DATABASE_TESTS_PER_MINUTE = 10;

export interface CallHandlerOptions {
  /** The clock of the rate limits, for tests. */
  now?: () => number;
}

/** Every call of the contract, implemented once for both transports (IPC and HTTP). */
export function createCallHandlers(
  service: BandwidthService,
  store: SettingsStore,
  shell: ShellActions,
  options: CallHandlerOptions = {},
): CallHandlers {
  const certificateChecks = new RateLimit(CERTIFICATE_CHECKS_PER_MINUTE, 60_000, options.now);
  const databaseTests = new RateLimit(DATABASE_TESTS_PER_MINUTE, 60_000, options.now);
  // A stored secret goes only where it was saved for: a changed target needs it typed again.
  const resolveInput = async (input: SettingsInput) => {
    const stored = (await store.load()).settings;
    return { settings: applySettingsInput(input, stored), retype: secretsToRetype(input, stored) };
  };

  return {
    async getState() {
      return service.getState();
    },
    async getRouters(ids) {
      return service.routerViews(ids);
    },
    async getHistory(request) {
      return service.history(request);
    },
    async getQuotas() {
      return service.quotas.state();
    },
    async saveQuota(input) {
      return service.quotas.save(input);
    },
    async deleteQuota(id) {
      return service.quotas.delete(id);
    },
    async setOfflinePolls(polls) {
      return service.quotas.setOfflinePolls(polls);
    },
    async getSettings() {
      const { settings, firstRun } = await store.load();
      return toSettingsView(settings, firstRun, store.readOnly);
    },
    async saveSettings(input) {
      const checked = validateSettings(input);
      if (!checked.ok) return { ok: false, errors: checked.errors };
      if (store.readOnly) {
        return {
          ok: false,
          errors: {},
          message: 'The headless collector takes its settings from its command line.',
        };
      }
      const { settings, retype } = await resolveInput(checked.value);
      if (Object.keys(retype).length > 0) {
        return { ok: false, errors: retype, message: Object.values(retype)[0] };
      }
      try {
        await store.save(settings);
      } catch (error) {
        return {
          ok: false,
          errors: {},
          message: error instanceof Error ? error.message : String(error),
        };
      }
      shell.settingsSaved?.(settings);
      await service.restart(toServiceSettings(settings, service.currentSettings.timeoutMs));
      return { ok: true, settings: toSettingsView(settings, false, false) };
    },
    async testDatabase(input) {
      // Only the database fields matter here: the rest of the form is taken from what is stored,
      // or from the defaults where that is outside what Settings accepts (the collector's own
      // flags may be, such as a sub-second interval).
      const stored = (await store.load()).settings;
      let checked = validateSettings({ ...stored, database: input.database });
      if (!checked.ok) {
        const { errors } = checked;
        const fields = DATABASE_FIELDS.filter((field) => errors[field] !== undefined);
        if (fields.length > 0) {
          return {
            ok: false,
            message: `Fix the marked database field${fields.length === 1 ? '' : 's'} first: ${fields.map((f) => errors[f]).join('; ')}.`,
          };
        }
        checked = validateSettings({ ...DEFAULT_SETTINGS, database: input.database });
        if (!checked.ok) return { ok: false, message: 'Check the database fields first.' };
      }
      const { settings, retype } = await resolveInput(checked.value);
      const missing = retype['database.password'];
      if (missing !== undefined) return { ok: false, message: missing };
      const waitMs = databaseTests.take();
      if (waitMs > 0) {
        return {
          ok: false,
          message: `Too many connection tests: wait ${Math.ceil(waitMs / 1000)} s and try again`,
        };
      }
      return testDatabaseConnection(settings);
    },
    async checkCertificate(address) {
      let url: URL;
      try {
        url = new URL(address.trim());
      } catch {
        return {
          ok: false,
          message: 'Enter the controller address first, for example https://192.168.1.1',
        };
      }
      if (url.protocol !== 'https:') {
        return { ok: false, message: 'Only an https:// address has a certificate to check' };
      }
      if (url.username !== '' || url.password !== '') {
        return { ok: false, message: 'Enter the address without a user name or password in it' };
      }
      // Settings given on the command line cannot be edited: only their controller is checked.
      const configured = (await store.load()).settings.unifi.controllerUrl;
      if (store.readOnly && url.origin !== controllerOrigin(configured)) {
        return {
          ok: false,
          message: `This collector only checks the controller it polls (${configured || 'none'})`,
        };
      }
      const waitMs = certificateChecks.take();
      if (waitMs > 0) {
        return {
          ok: false,
          message: `Too many certificate checks: wait ${Math.ceil(waitMs / 1000)} s and try again`,
        };
      }
      try {
        const { fingerprint, trusted } = await inspectCertificate(url, 5_000);
        return { ok: true, fingerprint: formatFingerprint(fingerprint), trusted };
      } catch (error) {
        const code = (error as { code?: string }).code ?? (error as Error).message;
        return {
          ok: false,
          message: `Cannot reach ${url.host} (${code}): check the address and that the controller is up`,
        };
      }
    },
    async setPaused(paused) {
      return service.setPaused(paused);
    },
    async openWindow(name, options) {
      shell.openWindow(name, options);
      return null;
    },
    async setRouterRole(choice) {
      // Marks live in MySQL, not in the collector's flags: its browser view may set them too.
      return service.setRouterRole(choice);
    },
  };
}
