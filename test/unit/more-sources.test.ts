// Settings › Also poll: additional sources are validated, their secrets sealed in the file and
// bound to the controller and account they were saved for, and they become the service's sources.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toServiceSettings } from '../../electron/core/call-handlers';
import { FileSettingsStore, type SecretBox } from '../../electron/core/settings-store';
import type { MoreSource } from '../../shared/more-sources';
import {
  applySettingsInput,
  DEFAULT_SETTINGS,
  type Settings,
  toSettingsView,
  validateSettings,
} from '../../shared/settings';

const reversing: SecretBox = {
  isAvailable: () => true,
  encrypt: (plain) => `sealed:${[...plain].reverse().join('')}`,
  decrypt: (sealed) => [...sealed.slice('sealed:'.length)].reverse().join(''),
};

const branch: MoreSource = {
  kind: 'unifi',
  controllerUrl: 'https://branch.example:8443',
  username: 'reader',
  password: 'branch-secret',
  apiKey: '',
  site: 'all',
  fingerprint: '',
};
const withMore: Settings = {
  ...DEFAULT_SETTINGS,
  source: 'unifi',
  unifi: { ...DEFAULT_SETTINGS.unifi, controllerUrl: 'https://hq.example', apiKey: 'hq-key' },
  moreSources: [branch, { kind: 'seed', apiUrl: 'http://10.0.0.5:5001' }],
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bt-more-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('additional sources in Settings', () => {
  it('names each bad field of each additional source', () => {
    const checked = validateSettings({
      ...withMore,
      moreSources: [
        { kind: 'unifi', controllerUrl: 'branch', site: 'a b', username: '', fingerprint: 'xyz' },
        { kind: 'seed', apiUrl: 'ftp://x' },
      ],
    });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.keys(checked.errors).sort()).toEqual([
      'moreSources.0.controllerUrl',
      'moreSources.0.fingerprint',
      'moreSources.0.site',
      'moreSources.0.username',
      'moreSources.1.apiUrl',
    ]);
    const demo = validateSettings({ ...withMore, source: 'demo' });
    expect(demo.ok).toBe(false);
    if (!demo.ok) expect(demo.errors['moreSources.0.kind']).toContain('runs alone');
  });

  it('seals their secrets in the file and opens them again', async () => {
    const path = join(dir, 'settings.json');
    const store = new FileSettingsStore(path, reversing);
    await store.save(withMore);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('branch-secret');
    expect(text).toContain('sealed:terces-hcnarb');
    expect((await store.load()).settings).toEqual({
      ...withMore,
      rebootPolicy: 'new-baseline',
      maxResponseMb: 64,
    });
  });

  it('never shows a page their secrets, and keeps a stored one only for the same controller and account', () => {
    const view = toSettingsView(withMore, false, false);
    expect(JSON.stringify(view)).not.toContain('branch-secret');
    expect(view.moreSources?.[0]).toMatchObject({ passwordSet: true, apiKeySet: false });
    const input = (changes: Partial<Extract<MoreSource, { kind: 'unifi' }>>) => {
      const checked = validateSettings({
        ...withMore,
        unifi: { ...withMore.unifi, password: null },
        moreSources: [{ ...branch, password: null, apiKey: null, ...changes }],
      });
      if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
      return applySettingsInput(checked.value, withMore).moreSources?.[0];
    };
    expect(input({})).toMatchObject({ password: 'branch-secret' });
    // Another address or another account: the stored password is not sent there.
    expect(input({ controllerUrl: 'https://elsewhere.example:8443' })).toMatchObject({
      password: '',
    });
    expect(input({ username: 'admin' })).toMatchObject({ password: '' });
  });

  it('makes the service poll the main source and the additional ones together', () => {
    const service = toServiceSettings(withMore);
    expect(service.sources?.map((s) => s.kind)).toEqual(['unifi', 'unifi', 'seed']);
    expect(service.sources?.[1]).toEqual({
      kind: 'unifi',
      controllerUrl: 'https://branch.example:8443',
      auth: { kind: 'password', username: 'reader', password: 'branch-secret' },
      site: 'all',
      fingerprint: null,
    });
    expect(toServiceSettings(DEFAULT_SETTINGS).sources).toBeUndefined();
  });
});
