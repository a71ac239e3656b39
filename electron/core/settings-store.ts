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

interface StoredFile extends Omit<Settings, 'database'> {
  version: 1;
  database: Omit<Settings['database'], 'password'> & { sealedPassword: string | null };
}

/**
 * settings.json in the user-data folder. The MySQL password is sealed by the SecretBox and
 * never written in clear text: without a keychain a password cannot be saved at all.
 */
export class FileSettingsStore implements SettingsStore {
  readonly readOnly = false;

  constructor(
    private readonly path: string,
    private readonly box: SecretBox,
  ) {}

  async load(): Promise<{ settings: Settings; firstRun: boolean }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { settings: DEFAULT_SETTINGS, firstRun: true };
      }
      throw error;
    }
    const stored = JSON.parse(text) as StoredFile;
    const { sealedPassword, ...database } = stored.database;
    const password =
      sealedPassword !== null && sealedPassword !== '' && this.box.isAvailable()
        ? this.box.decrypt(sealedPassword)
        : '';
    const candidate = { ...stored, database: { ...database, password } };
    const checked = validateSettings(candidate);
    // A hand-edited file with a bad field falls back to the defaults for the whole file.
    if (!checked.ok) return { settings: DEFAULT_SETTINGS, firstRun: true };
    return {
      settings: { ...checked.value, database: { ...checked.value.database, password } },
      firstRun: false,
    };
  }

  async save(settings: Settings): Promise<void> {
    const { password, ...database } = settings.database;
    if (password !== '' && !this.box.isAvailable()) {
      throw new SecretStorageUnavailable(
        'This system offers no secure storage for the MySQL password (on Linux, install and unlock a keyring such as GNOME Keyring or KWallet), so it was not saved. Use a MySQL user without a password, or set up a keyring and try again.',
      );
    }
    const file: StoredFile = {
      version: 1,
      ...settings,
      database: {
        ...database,
        sealedPassword: password === '' ? null : this.box.encrypt(password),
      },
    };
    await mkdir(dirname(this.path), { recursive: true });
    // Write then rename, so a crash never leaves half a settings file.
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.path);
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
