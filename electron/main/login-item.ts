import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What decides how this copy of the app is started again at login. */
export interface LaunchHost {
  platform: NodeJS.Platform;
  /** The Electron binary (packaged: the app itself). */
  execPath: string;
  /** The app's folder: bare Electron needs it as its argument under `npm start`. */
  appPath: string;
  isPackaged: boolean;
  /** Extra arguments this copy was started with that must come back (`--demo`). */
  extraArgs: string[];
  env: Record<string, string | undefined>;
}

/**
 * The command that starts this app: the packaged executable (an AppImage runs from a temporary
 * mount, so its own file, `$APPIMAGE`), or under `npm start` the Electron binary with the app's
 * folder, without which it would open Electron's default app.
 */
export function launchCommand(host: LaunchHost): { path: string; args: string[] } {
  if (host.isPackaged) {
    const appImage = host.env.APPIMAGE;
    const path = host.platform === 'linux' && appImage ? appImage : host.execPath;
    return { path, args: [...host.extraArgs] };
  }
  return { path: host.execPath, args: [host.appPath, ...host.extraArgs] };
}

/** Quotes one argument of a desktop entry's Exec key (freedesktop Desktop Entry spec). */
function execArgument(value: string): string {
  const escaped = value.replace(/%/g, '%%');
  if (!/[\s"'\\`$<>~|&;*?#()]/.test(escaped)) return escaped;
  return `"${escaped.replace(/(["`$\\])/g, '\\$1')}"`;
}

/** The XDG autostart entry (`~/.config/autostart/<name>.desktop`) that starts the app at login. */
export function autostartEntry(command: { path: string; args: string[] }, name: string): string {
  const exec = [command.path, ...command.args].map(execArgument).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${name}`,
    'Comment=Exact per-router bandwidth history from UniFi counters',
    `Exec=${exec}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function autostartPath(host: LaunchHost): string {
  const config = host.env.XDG_CONFIG_HOME || join(host.env.HOME || homedir(), '.config');
  const demo = host.extraArgs.includes('--demo') ? '-demo' : '';
  return join(config, 'autostart', `bandwidth-tracker${demo}.desktop`);
}

/**
 * Turns launch at login on or off. macOS and Windows have a login-item API
 * (`app.setLoginItemSettings`, given the app's own command); on Linux that API does nothing, so
 * an XDG autostart entry is written or removed.
 */
export async function setLaunchAtLogin(
  enabled: boolean,
  host: LaunchHost,
  setLoginItemSettings: (settings: Electron.Settings) => void,
): Promise<void> {
  const command = launchCommand(host);
  if (host.platform === 'linux') {
    const path = autostartPath(host);
    if (enabled) {
      await mkdir(join(path, '..'), { recursive: true });
      // Write then rename: the session never reads half an entry.
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, autostartEntry(command, 'Bandwidth Tracker'), { mode: 0o644 });
      await rename(temporary, path);
    } else {
      await rm(path, { force: true });
    }
    return;
  }
  setLoginItemSettings({ openAtLogin: enabled, path: command.path, args: command.args });
}
