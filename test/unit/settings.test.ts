import { describe, expect, it } from 'vitest';
import {
  applySettingsInput,
  DEFAULT_SETTINGS,
  DEFAULT_UNIFI,
  type Settings,
  toSettingsView,
  validateSettings,
} from '../../shared/settings';

const valid = (): Settings => ({
  source: 'seed',
  apiUrl: 'http://10.0.0.5:5001',
  unifi: { ...DEFAULT_UNIFI },
  intervalSeconds: 30,
  database: {
    host: 'db.lan',
    port: 3306,
    user: 'tracker',
    password: 's3cret',
    database: 'bandwidth_tracker',
  },
  notifications: true,
  launchAtLogin: false,
});

describe('validateSettings', () => {
  it('accepts good settings and trims text', () => {
    const input = { ...valid(), apiUrl: '  http://10.0.0.5:5001 ' };
    const result = validateSettings(input);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.apiUrl).toBe('http://10.0.0.5:5001');
  });

  it('gives one message per bad field, next to the field it concerns', () => {
    const result = validateSettings({
      apiUrl: 'ftp://x',
      intervalSeconds: 0,
      database: { host: '', port: 70000, user: '', password: 5, database: 'bad name;' },
      notifications: 'yes',
      launchAtLogin: false,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual([
      'apiUrl',
      'database.database',
      'database.host',
      'database.password',
      'database.port',
      'database.user',
      'intervalSeconds',
      'notifications',
    ]);
    expect(result.errors['database.port']).toBe('Enter a port from 1 to 65535 (MySQL uses 3306)');
  });

  it("reads the reboot policy: the design's rule when absent (older files), refuses others", () => {
    const absent = validateSettings(valid());
    expect(absent.ok && absent.value.rebootPolicy).toBe('new-baseline');
    const counting = validateSettings({ ...valid(), rebootPolicy: 'count-since-reboot' });
    expect(counting.ok && counting.value.rebootPolicy).toBe('count-since-reboot');
    const bad = validateSettings({ ...valid(), rebootPolicy: 'count-everything' });
    expect(bad.ok ? null : bad.errors).toEqual({ rebootPolicy: 'Choose what a reboot counts' });
  });

  it('reads the largest answer in MB: 64 when absent (older files), 0.001 to 500 otherwise', () => {
    const absent = validateSettings(valid());
    expect(absent.ok && absent.value.maxResponseMb).toBe(64);
    const raised = validateSettings({ ...valid(), maxResponseMb: 200 });
    expect(raised.ok && raised.value.maxResponseMb).toBe(200);
    for (const bad of [0, 0.0001, 501, Number.NaN, '64', null]) {
      const result = validateSettings({ ...valid(), maxResponseMb: bad });
      expect(result.ok ? null : Object.keys(result.errors), String(bad)).toEqual(['maxResponseMb']);
    }
  });

  it('accepts the defaults', () => {
    expect(validateSettings(DEFAULT_SETTINGS).ok).toBe(true);
  });

  it('keeps the stored password when a page sends none, and never shows it', () => {
    const stored = valid();
    const merged = applySettingsInput(
      {
        ...stored,
        database: { ...stored.database, password: null },
        unifi: { ...stored.unifi, password: null, apiKey: null },
      },
      stored,
    );
    expect(merged.database.password).toBe('s3cret');
    const view = toSettingsView(merged, false, false);
    expect(JSON.stringify(view)).not.toContain('s3cret');
    expect(view.database.passwordSet).toBe(true);
  });

  it('reads a file saved before sources existed as the seed API', () => {
    const { source: _source, unifi: _unifi, ...old } = valid();
    const result = validateSettings(old);
    expect(result.ok && result.value.source).toBe('seed');
  });

  it('asks for what a UniFi controller needs, and normalises a pasted fingerprint', () => {
    const unifi = { ...valid(), source: 'unifi' };
    const missing = validateSettings(unifi);
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(Object.keys(missing.errors).sort()).toEqual(['unifi.controllerUrl', 'unifi.username']);
    }
    const fingerprint = `${'ab:'.repeat(31)}ab`;
    const good = validateSettings({
      ...unifi,
      unifi: {
        ...DEFAULT_UNIFI,
        controllerUrl: 'https://192.168.1.1',
        username: 'admin',
        password: null,
        fingerprint,
      },
    });
    expect(good.ok && good.value.unifi.fingerprint).toBe('AB'.repeat(32));
    const bad = validateSettings({ ...unifi, unifi: { ...DEFAULT_UNIFI, fingerprint: 'abc' } });
    expect(!bad.ok && bad.errors['unifi.fingerprint']).toMatch(/64 hexadecimal digits/);
  });

  it('never shows the controller password or API key to a page', () => {
    const stored = {
      ...valid(),
      unifi: { ...DEFAULT_UNIFI, password: 'pw-xyz', apiKey: 'key-xyz' },
    };
    const view = toSettingsView(stored, false, false);
    expect(JSON.stringify(view)).not.toMatch(/pw-xyz|key-xyz/);
    expect(view.unifi).toMatchObject({ passwordSet: true, apiKeySet: true });
  });
});
