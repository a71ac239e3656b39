import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What decides whether Chromium's sandbox can start on this Linux machine. */
export interface SandboxFacts {
  platform: NodeJS.Platform;
  /** /proc/sys/kernel/apparmor_restrict_unprivileged_userns ('1' on Ubuntu 23.10 and later). */
  appArmorRestrictsUserns: string | null;
  /** /proc/sys/kernel/unprivileged_userns_clone ('0' turns user namespaces off on older Debian). */
  usernsClone: string | null;
  /** The setuid helper next to the Electron binary, if there is one. */
  sandboxHelper: { path: string; uid: number; mode: number } | null;
  /** Whether an AppArmor profile names the Electron binary (and may allow it user namespaces). */
  appArmorProfileFor: boolean;
}

const SETUID = 0o4000;

/**
 * Why Electron would abort at start with "FATAL: setuid_sandbox_host … chrome-sandbox", or null.
 * Chromium sandboxes its renderers with an unprivileged user namespace or, failing that, the
 * setuid `chrome-sandbox` helper. Ubuntu 23.10 and later forbid the first to programs without
 * an AppArmor profile, and npm cannot install the helper setuid root.
 */
export function sandboxProblem(facts: SandboxFacts): string | null {
  if (facts.platform !== 'linux') return null;
  const usernsBlocked =
    (facts.appArmorRestrictsUserns === '1' && !facts.appArmorProfileFor) ||
    facts.usernsClone === '0';
  if (!usernsBlocked) return null;
  const helper = facts.sandboxHelper;
  if (helper !== null && helper.uid === 0 && (helper.mode & SETUID) !== 0) return null;
  const path = helper?.path ?? 'node_modules/electron/dist/chrome-sandbox';
  return [
    'Bandwidth Tracker cannot open its tray app here: this Linux system does not let Electron start',
    'its sandbox (Ubuntu 23.10 and later restrict user namespaces with AppArmor), and Electron would',
    'stop with "FATAL: setuid_sandbox_host … chrome-sandbox". Fix it once, either way:',
    `  - make Electron's sandbox helper setuid root:  sudo chown root:root ${path} && sudo chmod 4755 ${path}`,
    `  - or give Electron an AppArmor profile that allows user namespaces (see README, "Linux sandbox").`,
    'Then run the command again. The headless collector needs neither: "npm run collector -- --ui".',
  ].join('\n');
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

function profileNames(binary: string): boolean {
  const dir = '/etc/apparmor.d';
  if (!existsSync(dir)) return false;
  try {
    return readdirSync(dir).some((name) => {
      const file = join(dir, name);
      try {
        return statSync(file).isFile() && readFileSync(file, 'utf8').includes(binary);
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/** The facts for the Electron binary at `binary`, read from /proc, /etc and the file system. */
export function readSandboxFacts(binary: string): SandboxFacts {
  const helperPath = join(dirname(binary), 'chrome-sandbox');
  let sandboxHelper: SandboxFacts['sandboxHelper'] = null;
  try {
    const stat = statSync(helperPath);
    sandboxHelper = { path: helperPath, uid: stat.uid, mode: stat.mode };
  } catch {
    sandboxHelper = null;
  }
  return {
    platform: process.platform,
    appArmorRestrictsUserns: readOrNull('/proc/sys/kernel/apparmor_restrict_unprivileged_userns'),
    usernsClone: readOrNull('/proc/sys/kernel/unprivileged_userns_clone'),
    sandboxHelper,
    appArmorProfileFor: process.platform === 'linux' && profileNames(binary),
  };
}
