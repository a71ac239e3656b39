import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the Electron binary is, or null when it has not been downloaded. No download is tried. */
export function installedElectronBinary(root: string): string | null {
  const packageDir = join(root, 'node_modules', 'electron');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (override !== undefined && override !== '') {
    const binary = join(override, relative ?? 'electron');
    return existsSync(binary) ? binary : null;
  }
  if (relative === null) return null;
  const binary = join(packageDir, 'dist', relative);
  return existsSync(binary) ? binary : null;
}

/** Tries Electron's own first-launch download; returns the binary or why it failed. */
export function downloadElectron(root: string): { binary: string } | { error: string } {
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'electron', 'install.js')],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  const binary = installedElectronBinary(root);
  if (result.status === 0 && binary !== null) return { binary };
  const output = `${result.stderr ?? ''}\n${result.stdout ?? ''}`;
  const reason =
    /(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|fetch failed|getaddrinfo)[^\n]*/.exec(
      output,
    )?.[0] ??
    output
      .split('\n')
      .find((line) => /error/i.test(line))
      ?.trim() ??
    `the installer exited with code ${result.status}`;
  return { error: reason.slice(0, 200) };
}

export function missingRuntimeMessage(reason: string): string {
  return [
    'Bandwidth Tracker cannot open its tray app: the Electron runtime is not installed.',
    'npm installs Electron as a package, but the runtime itself (about 100 MB) is downloaded',
    `from GitHub the first time the app starts, and that download failed (${reason}).`,
    'To fix it, connect this computer to the internet and run "npm start" again, or set',
    'ELECTRON_OVERRIDE_DIST_PATH to the folder of an Electron 45 runtime you already have.',
    'Meanwhile the headless collector works without Electron: "npm run collector -- --ui"',
    'polls your routers, records to MySQL and shows the same pages at http://127.0.0.1:8787/.',
  ].join('\n');
}
