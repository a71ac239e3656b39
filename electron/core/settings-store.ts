import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DEFAULT_SETTINGS, type Settings, validateSettings } from '../../shared/settings';

export interface SettingsStore {
  /** Settings given on the command line cannot be changed from a page. */
  readonly readOnly: boolean;
  load(): Promise<{ settings: Settings; firstRun: boolean }>;
  save(settings: Settings): Promise<void>;
}

/** Encrypts secrets with the operating system's keychain (Electron's safeStorage in the app). */
export interface SecretBox {
  isAvailable(): boolean;
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

export class SecretStorageUnavailable extends Error {}

interface StoredFile extends Omit<Settings, 'database' | 'unifi'> {
  version: 1;
  database: Omit<Settings['database'], 'password'> & { sealedPassword: string | null };
  unifi?: Omit<Settings['unifi'], 'password' | 'apiKey'> & {
    sealedPassword: string | null;
    sealedApiKey: string | null;
  };
}

/**
 * settings.json in the user-data folder. Secrets (the MySQL password, the controller's
 * password or API key) are sealed by the SecretBox and never written in clear text: without a
 * keychain they cannot be saved at all.
 */
export class FileSettingsStore implements SettingsStore {
  readonly readOnly = false;

  constructor(
    private readonly path: string,
    private readonly box: SecretBox,
    /** What a first run starts from (`npm run demo` starts on the demo network). */
    private readonly defaults: Settings = DEFAULT_SETTINGS,
  ) {}

  async load(): Promise<{ settings: Settings; firstRun: boolean }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { settings: this.defaults, firstRun: true };
      }
      throw error;
    }
    const stored = JSON.parse(text) as StoredFile;
    const { sealedPassword, ...database } = stored.database;
    const {
      sealedPassword: sealedUnifiPassword,
      sealedApiKey,
      ...unifi
    } = stored.unifi ?? { ...DEFAULT_SETTINGS.unifi, sealedPassword: null, sealedApiKey: null };
    const secrets = {
      database: this.open(sealedPassword),
      unifiPassword: this.open(sealedUnifiPassword),
      apiKey: this.open(sealedApiKey),
    };
    const candidate = {
      ...stored,
      database: { ...database, password: secrets.database },
      unifi: { ...unifi, password: secrets.unifiPassword, apiKey: secrets.apiKey },
    };
    const checked = validateSettings(candidate);
    // A hand-edited file with a bad field falls back to the defaults for the whole file.
    if (!checked.ok) return { settings: this.defaults, firstRun: true };
    return {
      settings: {
        ...checked.value,
        database: { ...checked.value.database, password: secrets.database },
        unifi: { ...checked.value.unifi, password: secrets.unifiPassword, apiKey: secrets.apiKey },
      },
      firstRun: false,
    };
  }

  async save(settings: Settings): Promise<void> {
    const { password, ...database } = settings.database;
    const { password: unifiPassword, apiKey, ...unifi } = settings.unifi;
    const anySecret = [password, unifiPassword, apiKey].some((secret) => secret !== '');
    if (anySecret && !this.box.isAvailable()) {
      throw new SecretStorageUnavailable(
        'This system offers no secure storage for passwords (on Linux, install and unlock a keyring such as GNOME Keyring or KWallet), so nothing was saved. Leave the password and API key fields empty, or set up a keyring and try again.',
      );
    }
    const file: StoredFile = {
      version: 1,
      ...settings,
      database: { ...database, sealedPassword: this.seal(password) },
      unifi: {
        ...unifi,
        sealedPassword: this.seal(unifiPassword),
        sealedApiKey: this.seal(apiKey),
      },
    };
    await mkdir(dirname(this.path), { recursive: true });
    // Write then rename, so a crash never leaves half a settings file.
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.path);
  }

  private seal(secret: string): string | null {
    return secret === '' ? null : this.box.encrypt(secret);
  }

  private open(sealed: string | null | undefined): string {
    return sealed !== null && sealed !== undefined && sealed !== '' && this.box.isAvailable()
      ? this.box.decrypt(sealed)
      : '';
  }
}

/** The headless collector's settings come from flags and the environment. */
export class FixedSettingsStore implements SettingsStore {
  readonly readOnly = true;

  constructor(private readonly settings: Settings) {}

  async load() {
    return { settings: this.settings, firstRun: false };
  }

  async save(): Promise<void> {
    throw new Error(
      'The headless collector takes its settings from its command line: stop it and start it again with new flags',
    );
  }
}
