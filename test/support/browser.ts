import { existsSync } from 'node:fs';
import { type Browser, chromium } from '@playwright/test';

export const CHROMIUM = process.env.BT_CHROMIUM ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or null when Debian's Chromium is installed. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `Chromium is not installed at ${CHROMIUM} (apt-get install -y --no-install-recommends chromium; .ci/run does it)`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
