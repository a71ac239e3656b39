import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import { installedElectronBinary } from '../../electron/tools/electron-runtime';
import { startDeviceServer } from '../support/device-server';
import { createTestDatabase } from '../support/test-database';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const binary = installedElectronBinary(ROOT);
const NO_RUNTIME =
  'the Electron runtime is not installed here (it is downloaded from GitHub on first launch, and this machine has no internet)';

describe('tray app in Electron', () => {
  it('launches, shows its state in the tray and a router in the popover', async (ctx) => {
    if (binary === null) return ctx.skip(NO_RUNTIME);
    const db = await createTestDatabase();
    const server = await startDeviceServer(() => ({
      devices: [
        { name: 'Living Room AP', mac: 'AA:BB:CC:DD:EE:01', rx_bytes: 1000, tx_bytes: 500 },
      ],
    }));
    const profile = mkdtempSync(join(tmpdir(), 'bt-electron-'));
    writeFileSync(
      join(profile, 'settings.json'),
      JSON.stringify({
        version: 1,
        apiUrl: server.url,
        intervalSeconds: 1,
        database: { ...db.settings, password: undefined, sealedPassword: null },
        notifications: false,
        launchAtLogin: false,
      }),
    );
    // Build the pages and the main bundle as npm start does.
    const { spawnSync } = await import('node:child_process');
    expect(spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'ignore' }).status).toBe(0);

    const app = await electron.launch({
      executablePath: binary,
      args: ['.', '--no-sandbox'],
      cwd: ROOT,
      env: { ...process.env, BT_E2E: '1', BT_USER_DATA_DIR: profile },
    });
    try {
      await expect
        .poll(
          () =>
            app.evaluate(() =>
              (
                globalThis as unknown as { bandwidthE2E: { tooltip(): string } }
              ).bandwidthE2E.tooltip(),
            ),
          {
            timeout: 20_000,
          },
        )
        .toMatch(/^↓ [\d.]+ Mbps ↑ [\d.]+ Mbps · today /);
      await app.evaluate(() =>
        (
          globalThis as unknown as { bandwidthE2E: { openPopover(): void } }
        ).bandwidthE2E.openPopover(),
      );
      const popover = await app.firstWindow();
      await expect
        .poll(() => popover.locator('.router-row__name').allTextContents(), { timeout: 10_000 })
        .toEqual(['Living Room AP']);
      // The page has the contract's API and nothing of Node or ipcRenderer.
      expect(
        await popover.evaluate(() => typeof (window as unknown as { require?: unknown }).require),
      ).toBe('undefined');
      expect(
        await popover.evaluate(() => Object.keys(window.bandwidth ?? {}).includes('invoke')),
      ).toBe(false);
    } finally {
      await app.close();
      await server.close();
      await db.drop();
    }
  }, 120_000);
});

describe('npm start without the Electron runtime', () => {
  it('explains in one paragraph what to do, points at the collector, and exits non-zero', async (ctx) => {
    if (binary !== null)
      return ctx.skip('the Electron runtime is installed here, so npm start would open the app');
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/tools/start.ts'], {
      cwd: ROOT,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain(
      'Bandwidth Tracker cannot open its tray app: the Electron runtime is not installed.',
    );
    expect(output).toContain('npm run collector -- --ui');
    expect(output).not.toMatch(/\n\s+at /);
  }, 60_000);
});
