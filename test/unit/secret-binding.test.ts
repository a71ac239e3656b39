import { describe, expect, it } from 'vitest';
import {
  controllerOrigin,
  databaseTarget,
  reusableSecrets,
  sameSecretTargets,
  secretsToRetype,
} from '../../shared/secret-binding';
import {
  applySettingsInput,
  DEFAULT_SETTINGS,
  type Settings,
  type SettingsInput,
} from '../../shared/settings';

const stored: Settings = {
  ...DEFAULT_SETTINGS,
  source: 'unifi',
  database: { ...DEFAULT_SETTINGS.database, password: 'db-secret' },
  unifi: {
    ...DEFAULT_SETTINGS.unifi,
    controllerUrl: 'https://192.168.1.1',
    username: 'admin',
    password: 'ctrl-secret',
    apiKey: 'key-secret',
  },
};

/** What a page sends when it leaves every secret box empty. */
function keeping(patch: {
  database?: Partial<SettingsInput['database']>;
  unifi?: Partial<SettingsInput['unifi']>;
}): SettingsInput {
  return {
    ...stored,
    database: { ...stored.database, password: null, ...patch.database },
    unifi: { ...stored.unifi, password: null, apiKey: null, ...patch.unifi },
  };
}

describe('secret binding', () => {
  it('names the targets', () => {
    expect(databaseTarget({ host: ' DB.Example ', port: 3306, user: 'app' })).toBe(
      'app@db.example:3306',
    );
    expect(controllerOrigin('https://UNIFI.local:443/manage')).toBe('https://unifi.local');
    expect(controllerOrigin('not a url')).toBeNull();
  });

  it('reuses every stored secret when nothing about its target changed', () => {
    const input = keeping({ database: { database: 'other_db' }, unifi: { site: 'branch' } });
    expect(sameSecretTargets(input, stored)).toEqual({
      database: true,
      controllerPassword: true,
      apiKey: true,
    });
    expect(secretsToRetype(input, stored)).toEqual({});
    const applied = applySettingsInput(input, stored);
    expect(applied.database.password).toBe('db-secret');
    expect(applied.unifi).toMatchObject({ password: 'ctrl-secret', apiKey: 'key-secret' });
  });

  it.each([
    ['host', { host: '10.0.0.9' }],
    ['host spelled otherwise', { host: 'localhost' }],
    ['port', { port: 3307 }],
    ['user', { user: 'reader' }],
  ])('drops the MySQL password when the %s changes, and says to type it again', (_, change) => {
    const input = keeping({ database: change });
    expect(reusableSecrets(input, stored).database).toBe('');
    expect(applySettingsInput(input, stored).database.password).toBe('');
    expect(secretsToRetype(input, stored)['database.password']).toBe(
      'Type the password again: the saved one is only sent to root@127.0.0.1:3306, and the user, host or port changed. Leave the box empty only if this server has no password.',
    );
  });

  it('uses a typed password wherever it is sent, and an explicit empty one as no password', () => {
    const typed = keeping({ database: { host: '10.0.0.9', password: 'new-one' } });
    expect(secretsToRetype(typed, stored)).toEqual({});
    expect(applySettingsInput(typed, stored).database.password).toBe('new-one');
    const none = keeping({ database: { host: '10.0.0.9', password: '' } });
    expect(secretsToRetype(none, stored)).toEqual({});
    expect(applySettingsInput(none, stored).database.password).toBe('');
  });

  it('binds the controller password to its origin and account, the API key to its origin', () => {
    const otherPort = keeping({ unifi: { controllerUrl: 'https://192.168.1.1:8443' } });
    expect(reusableSecrets(otherPort, stored)).toEqual({
      database: 'db-secret',
      unifiPassword: '',
      apiKey: '',
    });
    expect(Object.keys(secretsToRetype(otherPort, stored))).toEqual(['unifi.password']);
    const otherUser = keeping({ unifi: { username: 'guest' } });
    expect(reusableSecrets(otherUser, stored)).toMatchObject({
      unifiPassword: '',
      apiKey: 'key-secret',
    });
    const plainHttp = keeping({ unifi: { controllerUrl: 'http://192.168.1.1' } });
    expect(reusableSecrets(plainHttp, stored)).toMatchObject({ unifiPassword: '', apiKey: '' });
    const keyOnly = keeping({ unifi: { controllerUrl: 'https://evil.example', username: '' } });
    expect(secretsToRetype(keyOnly, stored)).toEqual({
      'unifi.apiKey':
        'Type the API key again: the saved one is only sent to https://192.168.1.1, and the address changed.',
    });
  });

  it('asks for nothing when nothing was stored, or when the controller is not polled', () => {
    const fresh = { ...DEFAULT_SETTINGS };
    const input = { ...keeping({ database: { host: '10.0.0.9' } }), source: 'seed' as const };
    expect(secretsToRetype(input, fresh)).toEqual({});
    const seed = keeping({ unifi: { controllerUrl: 'https://evil.example' } });
    expect(secretsToRetype({ ...seed, source: 'seed' }, stored)).toEqual({});
    // Not asked for, and not kept either: the stored secret never follows the new address.
    expect(applySettingsInput({ ...seed, source: 'seed' }, stored).unifi.password).toBe('');
  });
});
