import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSettingsStore, type SecretBox } from '../../electron/core/settings-store';
import { DEFAULT_SETTINGS, DEFAULT_UNIFI, DEMO_SETTINGS } from '../../shared/settings';

const reversing: SecretBox = {
  isAvailable: () => true,
  encrypt: (plain) => [...plain].reverse().join(''),
  decrypt: (sealed) => [...sealed].reverse().join(''),
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bt-store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('FileSettingsStore', () => {
  it('reads a settings file written before sources existed, keeping its values', async () => {
    const path = join(dir, 'settings.json');
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        apiUrl: 'http://10.0.0.5:5001',
        intervalSeconds: 30,
        database: { host: 'db', port: 3306, user: 'u', database: 'bt', sealedPassword: 'terces' },
        notifications: false,
        launchAtLogin: true,
      }),
    );
    const { settings, firstRun } = await new FileSettingsStore(path, reversing).load();
    expect(firstRun).toBe(false);
    expect(settings).toMatchObject({
      source: 'seed',
      apiUrl: 'http://10.0.0.5:5001',
      intervalSeconds: 30,
      database: { host: 'db', password: 'secret' },
      unifi: DEFAULT_UNIFI,
    });
  });

  it('starts from the defaults it is given (the demo profile starts on the demo network)', async () => {
    const store = new FileSettingsStore(join(dir, 'none.json'), reversing, DEMO_SETTINGS);
    const { settings, firstRun } = await store.load();
    expect(firstRun).toBe(true);
    expect(settings.source).toBe('demo');
    expect(settings.database.database).toBe('bandwidth_tracker_demo');
  });

  const AT = new Date('2026-11-27T16:30:05.123Z');
  const good = {
    version: 1,
    apiUrl: 'http://10.0.0.5:5001',
    intervalSeconds: 30,
    database: { host: 'db', port: 3306, user: 'u', database: 'bt', sealedPassword: 'terces' },
    notifications: false,
    launchAtLogin: false,
  };

  it.each([
    ['an empty file', '', 'it is empty'],
    ['a file cut short', '{"version": 1, "apiUrl": "htt', 'it is not valid JSON'],
    ['null', 'null', 'it holds no settings'],
    ['database: null', JSON.stringify({ ...good, database: null }), 'it has no database section'],
    [
      'a bad field',
      JSON.stringify({ ...good, intervalSeconds: -5 }),
      'these settings are not valid: intervalSeconds',
    ],
  ])(
    'keeps %s aside as settings.json.bad-<time> and starts from the defaults, saying so',
    async (_, text, reason) => {
      const path = join(dir, 'settings.json');
      writeFileSync(path, text);
      const loaded = await new FileSettingsStore(
        path,
        reversing,
        DEFAULT_SETTINGS,
        () => AT,
      ).load();
      expect(loaded.settings).toEqual(DEFAULT_SETTINGS);
      expect(loaded.firstRun).toBe(true);
      expect(loaded.notice).toBe(
        `The settings file could not be used (${reason}). It was kept as settings.json.bad-2026-11-27T16-30-05Z and Bandwidth Tracker started with the default settings: check them in Settings and save.`,
      );
      expect(existsSync(path)).toBe(false);
      expect(readFileSync(join(dir, 'settings.json.bad-2026-11-27T16-30-05Z'), 'utf8')).toBe(text);
      // The next load is a plain first run; a save writes a good file again.
      const store = new FileSettingsStore(path, reversing);
      expect(await store.load()).toEqual({
        settings: DEFAULT_SETTINGS,
        firstRun: true,
        notice: null,
      });
      await store.save(DEFAULT_SETTINGS);
      expect((await store.load()).firstRun).toBe(false);
    },
  );

  it('counts a secret the keyring cannot open as not set, and asks for it again', async () => {
    const path = join(dir, 'settings.json');
    writeFileSync(
      path,
      JSON.stringify({
        ...good,
        unifi: { ...DEFAULT_UNIFI, sealedPassword: null, sealedApiKey: 'yek' },
      }),
    );
    const resetKeyring: SecretBox = {
      isAvailable: async () => true,
      encrypt: async (plain) => plain,
      decrypt: async (sealed) => {
        if (sealed === 'terces')
          throw new Error(
            'Error while decrypting the ciphertext provided to safeStorage.decryptString.',
          );
        return [...sealed].reverse().join('');
      },
    };
    const loaded = await new FileSettingsStore(path, resetKeyring).load();
    expect(loaded.firstRun).toBe(false);
    expect(loaded.settings.database).toMatchObject({ host: 'db', password: '' });
    expect(loaded.settings.unifi.apiKey).toBe('key');
    expect(loaded.notice).toBe(
      'The saved MySQL password could not be decrypted: the system keyring was reset, or the settings come from another user or computer. Type it again in Settings and save.',
    );
    // The file itself is fine and stays where it is.
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('says which secrets are lost when no keyring is there any more', async () => {
    const path = join(dir, 'settings.json');
    writeFileSync(
      path,
      JSON.stringify({
        ...good,
        unifi: { ...DEFAULT_UNIFI, sealedPassword: 'ssap', sealedApiKey: null },
      }),
    );
    const none: SecretBox = { isAvailable: () => false, encrypt: () => '', decrypt: () => '' };
    const loaded = await new FileSettingsStore(path, none).load();
    expect(loaded.settings.database.password).toBe('');
    expect(loaded.settings.unifi.password).toBe('');
    expect(loaded.notice).toMatch(
      /^The saved MySQL password and controller password could not be decrypted: .* Type them again/,
    );
  });

  it('says what to do when the file cannot be read at all', async () => {
    const path = join(dir, 'settings.json');
    // A folder where the file should be: reading fails with EISDIR, not a damaged file.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path);
    await expect(new FileSettingsStore(path, reversing).load()).rejects.toThrow(
      /^Cannot read the settings file .*settings\.json \(EISDIR\): check that this user may read it/,
    );
  });
});
