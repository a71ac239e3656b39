import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSettingsStore, type SecretBox } from '../../electron/core/settings-store';
import { DEFAULT_UNIFI, DEMO_SETTINGS } from '../../shared/settings';

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
});
