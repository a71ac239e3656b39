import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { MoreSource } from '../../shared/more-sources';
import { DEFAULT_SETTINGS, type Settings, validateSettings } from '../../shared/settings';

export interface LoadedSettings {
  settings: Settings;
  firstRun: boolean;
  /** Something the user must hear about (a damaged file set aside, a secret to type again). */
  notice?: string | null;
}

export interface SettingsStore {
  /** Settings given on the command line cannot be changed from a page. */
  readonly readOnly: boolean;
  load(): Promise<LoadedSettings>;
  save(settings: Settings): Promise<void>;
}

/**
 * Encrypts secrets with the operating system's keychain (Electron's safeStorage in the app).
 * Each method may answer synchronously or with a promise (Electron 45's async safeStorage).
 */
export interface SecretBox {
  isAvailable(): boolean | Promise<boolean>;
  encrypt(plain: string): string | Promise<string>;
  decrypt(sealed: string): string | Promise<string>;
}

export class SecretStorageUnavailable extends Error {}

/** An additional source as saved: a controller's secrets sealed like the main ones. */
type StoredMoreSource =
  | { kind: 'seed'; apiUrl: string }
  | (Omit<Extract<MoreSource, { kind: 'unifi' }>, 'password' | 'apiKey'> & {
      sealedPassword: string | null;
      sealedApiKey: string | null;
    });

interface StoredFile extends Omit<Settings, 'database' | 'unifi' | 'moreSources'> {
  moreSources?: StoredMoreSource[];
  version: 1;
  database: Omit<Settings['database'], 'password'> & { sealedPassword: string | null };
  unifi?: Omit<Settings['unifi'], 'password' | 'apiKey'> & {
    sealedPassword: string | null;
    sealedApiKey: string | null;
  };
}

const SECRET_NAMES = {
  database: 'MySQL password',
  unifiPassword: 'controller password',
  apiKey: 'controller API key',
} as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `2026-11-27T16-30-05Z`: a time that is also a valid file name everywhere. */
function fileStamp(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

/**
 * settings.json in the user-data folder. Secrets (the MySQL password, the controller's
 * password or API key) are sealed by the SecretBox and never written in clear text: without a
 * keychain they cannot be saved at all.
 *
 * The app must always start: a damaged file (empty, not JSON, `null`, a missing or bad section)
 * is renamed `settings.json.bad-<time>` and the defaults load, with a notice saying so; a secret
 * the keychain can no longer open counts as not set, with a notice asking to type it again.
 */
export class FileSettingsStore implements SettingsStore {
  readonly readOnly = false;

  constructor(
    private readonly path: string,
    private readonly box: SecretBox,
    /** What a first run starts from (`npm run demo` starts on the demo network). */
    private readonly defaults: Settings = DEFAULT_SETTINGS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async load(): Promise<LoadedSettings> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { settings: this.defaults, firstRun: true, notice: null };
      throw new Error(
        `Cannot read the settings file ${this.path} (${code ?? String(error)}): check that this user may read it, or move it away to start from the defaults`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.setAside(text.trim() === '' ? 'it is empty' : 'it is not valid JSON');
    }
    if (!isRecord(parsed)) return this.setAside('it holds no settings');
    if (!isRecord(parsed.database)) return this.setAside('it has no database section');
    if (parsed.unifi !== undefined && !isRecord(parsed.unifi))
      return this.setAside('its controller section is not readable');
    const stored = parsed as unknown as StoredFile;
    const { sealedPassword, ...database } = stored.database;
    const {
      sealedPassword: sealedUnifiPassword,
      sealedApiKey,
      ...unifi
    } = stored.unifi ?? { ...DEFAULT_SETTINGS.unifi, sealedPassword: null, sealedApiKey: null };
    const lost: string[] = [];
    const secrets = {
      database: await this.open(sealedPassword, SECRET_NAMES.database, lost),
      unifiPassword: await this.open(sealedUnifiPassword, SECRET_NAMES.unifiPassword, lost),
      apiKey: await this.open(sealedApiKey, SECRET_NAMES.apiKey, lost),
    };
    if (stored.moreSources !== undefined && !Array.isArray(stored.moreSources))
      return this.setAside('its additional sources are not a list');
    const moreSources: MoreSource[] = [];
    for (const entry of stored.moreSources ?? []) {
      if (!isRecord(entry) || entry.kind !== 'unifi') {
        moreSources.push(entry as MoreSource);
        continue;
      }
      const { sealedPassword: sealed, sealedApiKey: sealedKey, ...rest } = entry;
      const at = `${SECRET_NAMES.unifiPassword} for ${rest.controllerUrl}`;
      moreSources.push({
        ...rest,
        password: await this.open(sealed, at, lost),
        apiKey: await this.open(
          sealedKey,
          `${SECRET_NAMES.apiKey} for ${rest.controllerUrl}`,
          lost,
        ),
      });
    }
    const candidate = {
      ...stored,
      database: { ...database, password: secrets.database },
      unifi: { ...unifi, password: secrets.unifiPassword, apiKey: secrets.apiKey },
      ...(stored.moreSources === undefined ? {} : { moreSources }),
    };
    const checked = validateSettings(candidate);
    if (!checked.ok) {
      const fields = Object.keys(checked.errors).join(', ');
      return this.setAside(`these settings are not valid: ${fields}`);
    }
    const { moreSources: checkedMore, ...checkedValue } = checked.value;
    return {
      settings: {
        ...checkedValue,
        database: { ...checked.value.database, password: secrets.database },
        unifi: { ...checked.value.unifi, password: secrets.unifiPassword, apiKey: secrets.apiKey },
        // Validated above; the secrets are the opened ones (a page's null never reaches a file).
        ...(checkedMore === undefined
          ? {}
          : {
              moreSources: checkedMore.map((entry, i) =>
                entry.kind === 'seed'
                  ? entry
                  : {
                      ...entry,
                      password: (moreSources[i] as { password?: string }).password ?? '',
                      apiKey: (moreSources[i] as { apiKey?: string }).apiKey ?? '',
                    },
              ),
            }),
      },
      firstRun: false,
      notice:
        lost.length === 0
          ? null
          : `The saved ${lost.join(' and ')} could not be decrypted: the system keyring was reset, or the settings come from another user or computer. Type ${lost.length === 1 ? 'it' : 'them'} again in Settings and save.`,
    };
  }

  async save(settings: Settings): Promise<void> {
    const { password, ...database } = settings.database;
    const { password: unifiPassword, apiKey, ...unifi } = settings.unifi;
    const moreSecrets = (settings.moreSources ?? []).flatMap((entry) =>
      entry.kind === 'unifi' ? [entry.password, entry.apiKey] : [],
    );
    const anySecret = [password, unifiPassword, apiKey, ...moreSecrets].some(
      (secret) => secret !== '',
    );
    if (anySecret && !(await this.box.isAvailable())) {
      throw new SecretStorageUnavailable(
        'This system offers no secure storage for passwords (on Linux, install and unlock a keyring such as GNOME Keyring or KWallet), so nothing was saved. Leave the password and API key fields empty, or set up a keyring and try again.',
      );
    }
    const moreSources: StoredMoreSource[] = [];
    for (const entry of settings.moreSources ?? []) {
      if (entry.kind === 'seed') {
        moreSources.push(entry);
        continue;
      }
      const { password: morePassword, apiKey: moreKey, ...rest } = entry;
      moreSources.push({
        ...rest,
        sealedPassword: await this.seal(morePassword),
        sealedApiKey: await this.seal(moreKey),
      });
    }
    const { moreSources: _sealedBelow, ...plain } = settings;
    const file: StoredFile = {
      version: 1,
      ...plain,
      ...(settings.moreSources === undefined ? {} : { moreSources }),
      database: { ...database, sealedPassword: await this.seal(password) },
      unifi: {
        ...unifi,
        sealedPassword: await this.seal(unifiPassword),
        sealedApiKey: await this.seal(apiKey),
      },
    };
    await mkdir(dirname(this.path), { recursive: true });
    // Write then rename, so a crash never leaves half a settings file.
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.path);
  }

  /** Keeps a damaged file for the user to look at, and starts from the defaults. */
  private async setAside(reason: string): Promise<LoadedSettings> {
    const kept = `${this.path}.bad-${fileStamp(this.now())}`;
    try {
      await rename(this.path, kept);
    } catch (error) {
      // Another load (a page asking for the settings) already moved it.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return {
      settings: this.defaults,
      firstRun: true,
      notice: `The settings file could not be used (${reason}). It was kept as ${basename(kept)} and Bandwidth Tracker started with the default settings: check them in Settings and save.`,
    };
  }

  private async seal(secret: string): Promise<string | null> {
    return secret === '' ? null : await this.box.encrypt(secret);
  }

  /** The secret, or '' (not set) when the keychain cannot open it; `lost` collects which. */
  private async open(sealed: unknown, name: string, lost: string[]): Promise<string> {
    if (typeof sealed !== 'string' || sealed === '') return '';
    try {
      if (!(await this.box.isAvailable())) {
        lost.push(name);
        return '';
      }
      return await this.box.decrypt(sealed);
    } catch {
      lost.push(name);
      return '';
    }
  }
}

/** The headless collector's settings come from flags and the environment. */
export class FixedSettingsStore implements SettingsStore {
  readonly readOnly = true;

  constructor(private readonly settings: Settings) {}

  async load(): Promise<LoadedSettings> {
    return { settings: this.settings, firstRun: false, notice: null };
  }

  async save(): Promise<void> {
    throw new Error(
      'The headless collector takes its settings from its command line: stop it and start it again with new flags',
    );
  }
}
