import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  autostartEntry,
  type LaunchHost,
  launchCommand,
  setLaunchAtLogin,
} from '../../electron/main/login-item';

let config: string;
beforeEach(() => {
  config = mkdtempSync(join(tmpdir(), 'bt-autostart-'));
});
afterEach(() => rmSync(config, { recursive: true, force: true }));

const host = (overrides: Partial<LaunchHost> = {}): LaunchHost => ({
  platform: 'linux',
  execPath: '/opt/Bandwidth Tracker/bandwidth-tracker',
  appPath: '/opt/Bandwidth Tracker/resources/app.asar',
  isPackaged: true,
  extraArgs: [],
  env: { XDG_CONFIG_HOME: config },
  ...overrides,
});

describe('launch at login', () => {
  it('starts the app itself: the packaged binary, the AppImage file, or Electron with the app folder', () => {
    expect(launchCommand(host())).toEqual({
      path: '/opt/Bandwidth Tracker/bandwidth-tracker',
      args: [],
    });
    expect(
      launchCommand(host({ env: { APPIMAGE: '/home/a/Apps/Bandwidth Tracker.AppImage' } })).path,
    ).toBe('/home/a/Apps/Bandwidth Tracker.AppImage');
    // Under npm start, bare Electron without the app folder would open Electron's default app.
    expect(
      launchCommand(
        host({
          isPackaged: false,
          execPath: '/src/bt/node_modules/electron/dist/electron',
          appPath: '/src/bt',
          extraArgs: ['--demo'],
        }),
      ),
    ).toEqual({ path: '/src/bt/node_modules/electron/dist/electron', args: ['/src/bt', '--demo'] });
  });

  it('writes and removes an XDG autostart entry on Linux, quoting the command', async () => {
    const calls: unknown[] = [];
    await setLaunchAtLogin(true, host(), (item) => calls.push(item));
    const path = join(config, 'autostart', 'bandwidth-tracker.desktop');
    const entry = readFileSync(path, 'utf8');
    expect(entry).toContain('\nExec="/opt/Bandwidth Tracker/bandwidth-tracker"\n');
    expect(entry.startsWith('[Desktop Entry]\nType=Application\nName=Bandwidth Tracker\n')).toBe(
      true,
    );
    await setLaunchAtLogin(false, host(), (item) => calls.push(item));
    expect(existsSync(path)).toBe(false);
    // setLoginItemSettings does nothing on Linux: it is not relied on.
    expect(calls).toEqual([]);
  });

  it('escapes what the desktop entry spec reserves', () => {
    expect(autostartEntry({ path: '/a/b$c', args: ['100%', 'x"y'] }, 'BT')).toContain(
      'Exec="/a/b\\$c" 100%% "x\\"y"\n',
    );
  });

  it('registers the app’s own command with the login-item API on macOS and Windows', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const calls: unknown[] = [];
      await setLaunchAtLogin(
        true,
        host({ platform, isPackaged: false, execPath: '/e/electron', appPath: '/src/bt' }),
        (item) => calls.push(item),
      );
      expect(calls).toEqual([{ openAtLogin: true, path: '/e/electron', args: ['/src/bt'] }]);
    }
  });
});
