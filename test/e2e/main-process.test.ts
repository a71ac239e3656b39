// The tray app's main process, run for real: the main bundle as `npm run build` makes it, under
// plain Node, with a recording stand-in for the `electron` module (the Electron binary cannot be
// downloaded here), against MariaDB and the demo or a scripted device source. Only the Electron
// boundary is faked; the core, the database, the files and the timers are real.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writerLockName } from '../../electron/core/db/writer-lock';
import {
  CALL_NAMES,
  callChannel,
  EVENT_NAMES,
  eventChannel,
  subscriberName,
} from '../../shared/ipc-contract';
import { APP_ORIGIN } from '../../shared/trusted-sender';
import {
  buildBundlesForTest,
  type FakeState,
  type MainRun,
  startMainProcess,
} from '../support/main-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let bundleDir: string;
let db: TestDatabase;
let profile: string;
let xdgConfig: string;
const runs: MainRun[] = [];

beforeAll(async () => {
  bundleDir = await buildBundlesForTest();
}, 60_000);
beforeEach(async () => {
  db = await createTestDatabase();
  profile = mkdtempSync(join(tmpdir(), 'bt-main-profile-'));
  xdgConfig = mkdtempSync(join(tmpdir(), 'bt-main-xdg-'));
});
afterEach(async () => {
  for (const run of runs.splice(0)) {
    run.kill();
    await run.exited;
  }
  await db.drop();
  rmSync(profile, { recursive: true, force: true });
  rmSync(xdgConfig, { recursive: true, force: true });
});
afterAll(() => {
  if (bundleDir !== undefined) rmSync(bundleDir, { recursive: true, force: true });
});

function launch(env: Record<string, string> = {}): MainRun {
  const run = startMainProcess(bundleDir, {
    env: {
      BT_USER_DATA_DIR: profile,
      XDG_CONFIG_HOME: xdgConfig,
      // An X11 session unless a test says otherwise.
      WAYLAND_DISPLAY: '',
      XDG_SESSION_TYPE: 'x11',
      ...env,
    },
  });
  runs.push(run);
  return run;
}

function settingsFile(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    source: 'demo',
    apiUrl: 'http://127.0.0.1:5001',
    intervalSeconds: 1,
    database: { ...db.settings, password: undefined, sealedPassword: null },
    notifications: true,
    launchAtLogin: false,
    ...overrides,
  };
}

function writeSettings(overrides: Record<string, unknown> = {}): void {
  writeFileSync(join(profile, 'settings.json'), JSON.stringify(settingsFile(overrides)));
}

/** What the settings page sends to save: the test database, the demo network. */
function settingsInput(overrides: Record<string, unknown> = {}) {
  const { password: _password, ...database } = db.settings;
  return {
    source: 'demo',
    apiUrl: 'http://127.0.0.1:5001',
    unifi: {
      controllerUrl: '',
      username: '',
      password: null,
      apiKey: null,
      site: 'default',
      fingerprint: '',
    },
    intervalSeconds: 1,
    database: { ...database, password: null },
    notifications: true,
    launchAtLogin: false,
    ...overrides,
  };
}

/** The demo fills 13 months of history on its first start before its first live poll. */
const FIRST_DEMO_CYCLE_MS = 120_000;

async function waitForState(
  run: MainRun,
  what: string,
  check: (state: FakeState) => boolean,
  timeoutMs = 20_000,
): Promise<FakeState> {
  let last: FakeState | null = null;
  try {
    await until(
      what,
      async () => {
        last = await run.state();
        return check(last);
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\nlast state: ${JSON.stringify(last, null, 1).slice(0, 3000)}\noutput:\n${run.output}`,
    );
  }
  return last as unknown as FakeState;
}

const page = (name: string) => `${APP_ORIGIN}/${name}.html`;
const windowOf = (state: FakeState, prefix: string) =>
  state.windows.find((w) => !w.destroyed && w.url.startsWith(page(prefix)));

async function invoke(run: MainRun, windowId: number, name: string, ...args: unknown[]) {
  return run.command<{ ok: boolean; value?: unknown; message?: string }>('invoke', {
    channel: callChannel(name as never),
    args,
    id: windowId,
  });
}

async function pollCycles(): Promise<number> {
  const [row] = await db.rows<{ n: string }>('SELECT COUNT(*) AS n FROM poll_cycles');
  return Number(row?.n);
}

async function lockIsFree(): Promise<boolean> {
  const [row] = await db.rows<{ free: number | string }>('SELECT IS_FREE_LOCK(?) AS free', [
    writerLockName(db.settings.database),
  ]);
  return Number(row?.free) === 1;
}

/** The tray icon's 16-pixel image: the dot's colour and how many rows of the level bar are lit. */
function readIcon(state: FakeState) {
  const png = Buffer.from(state.tray?.image[0]?.png ?? '', 'base64');
  const raw = inflateSync(png.subarray(41, 41 + png.readUInt32BE(33)));
  const pixel = (x: number, y: number) =>
    Array.from(raw.subarray(y * 65 + 1 + x * 4, y * 65 + 5 + x * 4));
  const dot = pixel(5, 8).slice(0, 3);
  let lit = 0;
  for (let y = 1; y < 15; y += 1) {
    const [r, g, b, a] = pixel(13, y);
    if (a === 255 && r === dot[0] && g === dot[1] && b === dot[2]) lit += 1;
  }
  return { dot, lit };
}

const GREEN = [38, 166, 91];
const GREY = [140, 146, 156];

describe('main process: first run, cycles, pause, quit', () => {
  it('opens Settings first, polls once saved, follows the cycles in the tray, pauses, quits cleanly', async () => {
    const run = launch();
    // First run: Settings opens (shown once painted), nothing is polled yet.
    let state = await waitForState(
      run,
      'the settings window',
      (s) => windowOf(s, 'settings')?.visible === true,
    );
    const settings = windowOf(state, 'settings');
    if (settings === undefined) throw new Error('no settings window');
    expect(state.tray?.tooltip).toBe('Bandwidth Tracker: waiting for the first poll');
    expect(settings).toMatchObject({ menuRemoved: true, backgroundColor: '#ffffff' });
    // The Electron security checklist, as a hostile page in the window would meet it.
    expect(await run.command('probeGuards', { id: settings.id, ownUrl: page('history') })).toEqual({
      webPreferences: expect.objectContaining({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
      }),
      hasPreload: true,
      foreignNavigationStopped: true,
      ownNavigationStopped: false,
      redirectStopped: true,
      webviewStopped: true,
      newWindow: { action: 'deny' },
      permission: false,
    });
    // A page's call that fails says why in plain words (no "Error invoking remote method").
    expect(
      await invoke(run, settings.id, 'getHistory', {
        range: 'day',
        routerIds: [],
        timeZone: 'UTC',
      }),
    ).toEqual({
      ok: false,
      message: 'The database is not connected yet: wait a moment and try again',
    });
    // Launching again before saving shows Settings again, not the history.
    await run.command('appEmit', { event: 'second-instance' });
    expect(windowOf(await run.state(), 'history')).toBeUndefined();

    // Every call of the contract has its handler in main, and main listens to nothing else.
    expect([...state.ipcHandlers].sort()).toEqual(CALL_NAMES.map(callChannel).sort());
    expect(state.ipcListeners).toEqual([]);

    const saved = await invoke(
      run,
      settings.id,
      'saveSettings',
      settingsInput({ launchAtLogin: true }),
    );
    expect(saved).toMatchObject({ ok: true, value: { ok: true } });
    // Launch at login on Linux: an autostart entry that starts this app, not bare Electron.
    const autostart = join(xdgConfig, 'autostart', 'bandwidth-tracker.desktop');
    await until('the autostart entry', () => existsSync(autostart), 5_000);
    const entry = readFileSync(autostart, 'utf8');
    expect(entry).toContain(`\nExec=${process.execPath} ${ROOT.replace(/\/$/, '')}\n`);

    // The tray follows the cycles: the demo's rate in the tooltip, a green dot, a lit level bar.
    state = await waitForState(
      run,
      'a demo cycle in the tray',
      (s) => /^DEMO · ↓ [\d.]+ Mbps ↑ [\d.]+ Mbps · today /.test(s.tray?.tooltip ?? ''),
      FIRST_DEMO_CYCLE_MS,
    );
    // The first cycle is a baseline (no rate yet); the next ones light the bar.
    state = await waitForState(
      run,
      'a lit level bar',
      (s) => s.tray !== null && readIcon(s).lit > 0,
    );
    let icon = readIcon(state);
    expect(icon.dot).toEqual(GREEN);
    expect(state.tray?.tooltip).toMatch(/^DEMO · ↓ (?!0\.0 Mbps ↑ 0\.0 Mbps)/);
    // The pages hear the cycles, on the contract's event channels only.
    const eventChannels = new Set(EVENT_NAMES.map(eventChannel));
    for (const w of state.windows) for (const c of w.sent) expect(eventChannels.has(c)).toBe(true);
    expect(windowOf(state, 'settings')?.sent).toContain(eventChannel('cycleCompleted'));

    // The first save ended the first run: launching again opens the history.
    await run.command('appEmit', { event: 'second-instance' });
    expect(windowOf(await run.state(), 'history')).toBeDefined();

    // Pause: the icon turns grey with an empty bar, and no cycle is recorded meanwhile.
    await run.command('trayMenuClick', { label: 'Pause polling' });
    state = await waitForState(run, 'the paused tray', (s) =>
      /^DEMO · Polling paused · today /.test(s.tray?.tooltip ?? ''),
    );
    icon = readIcon(state);
    expect(icon).toEqual({ dot: GREY, lit: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const whilePaused = await pollCycles();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await pollCycles()).toBe(whilePaused);
    await run.command('trayMenuClick', { label: 'Pause polling' });
    await until('polling again', async () => (await pollCycles()) > whilePaused, 10_000);

    expect(await lockIsFree()).toBe(false);
    await run.command('quit');
    const { code, state: last } = await run.exited;
    expect(code).toBe(0);
    expect(last?.tray?.destroyed).toBe(true);
    await until('the writer lock released', lockIsFree, 5_000);
  }, 210_000);

  it('waits for the cycle in progress before it quits, then releases the writer lock', async () => {
    let slow = false;
    let requests = 0;
    let arrived: () => void = () => {};
    const slowArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const server: Server = createServer((_req, res) => {
      requests += 1;
      const body = JSON.stringify([
        {
          name: 'Office AP',
          mac: 'AA:BB:CC:00:00:01',
          rx_bytes: 1000 * requests,
          tx_bytes: 10 * requests,
        },
      ]);
      if (!slow) return res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      arrived();
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(body), 1_500);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      writeSettings({
        source: 'seed',
        apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      });
      const run = launch();
      await until(
        'two cycles',
        async () =>
          (await db.rows("SHOW TABLES LIKE 'poll_cycles'")).length > 0 && (await pollCycles()) >= 2,
        20_000,
      );
      slow = true;
      await slowArrived;
      const before = await pollCycles();
      await run.command('quit');
      const { code } = await run.exited;
      expect(code).toBe(0);
      // The slow cycle was answered after quit was asked, and recorded before the process ended.
      expect(await pollCycles()).toBe(before + 1);
      await until('the writer lock released', lockIsFree, 5_000);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);
});

describe('main process: preload', () => {
  it('exposes one function per call and one subscriber per event, and nothing else', async () => {
    const run = startMainProcess(bundleDir, { file: 'preload.cjs' });
    runs.push(run);
    const state = await waitForState(
      run,
      'the preload exposing its API',
      (s) => s.exposed.bandwidth !== undefined,
    );
    expect(Object.keys(state.exposed)).toEqual(['bandwidth']);
    expect([...(state.exposed.bandwidth ?? [])].sort()).toEqual(
      [...CALL_NAMES, ...EVENT_NAMES.map(subscriberName)].sort(),
    );
    for (const name of CALL_NAMES) {
      const reply = await run.command<{ value?: unknown; error?: string }>('callExposed', {
        key: 'bandwidth',
        name,
        args: [],
      });
      if (name === 'getHistory')
        expect(reply).toEqual({ error: 'The database is not connected yet' });
      else expect(reply).toEqual({ value: `${callChannel(name)} answer` });
    }
    expect((await run.state()).invoked.map((i) => i.channel)).toEqual(CALL_NAMES.map(callChannel));
  }, 30_000);
});

describe('main process: reboots', () => {
  it('raises one notification per reboot with the names escaped; its click opens the history after a GC', async () => {
    let requests = 0;
    const server: Server = createServer((_req, res) => {
      requests += 1;
      // Both routers reboot at the fourth poll: counters fall back and uptime restarts.
      const rebooted = requests >= 4;
      const counter = rebooted ? 10 * requests : 1_000_000 + 1000 * requests;
      const uptime = rebooted ? requests : 10_000 + requests;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify([
          {
            name: '<b>Lab</b> & Co',
            mac: 'AA:BB:CC:00:00:01',
            rx_bytes: counter,
            tx_bytes: counter,
            uptime,
          },
          {
            name: 'Office "AP"',
            mac: 'AA:BB:CC:00:00:02',
            rx_bytes: counter,
            tx_bytes: counter,
            uptime,
          },
        ]),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      writeSettings({
        source: 'seed',
        apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      });
      const run = launch();
      let state = await waitForState(
        run,
        'the reboot notification',
        (s) => s.notifications.length > 0,
      );
      // Two more cycles: the reboot is not announced again.
      const seen = requests;
      await until('two more polls', () => requests >= seen + 2, 10_000);
      state = await run.state();
      expect(state.notifications).toHaveLength(1);
      const [notice] = state.notifications;
      expect(notice?.shown).toBe(true);
      expect(notice?.title).toBe('2 routers rebooted');
      expect(notice?.body).toContain('&lt;b&gt;Lab&lt;/b&gt; &amp; Co');
      expect(notice?.body).not.toContain('<b>');
      // The click arrives after a garbage collection, as it can minutes later in a real session.
      expect(await run.command('notificationClick', { index: 0 })).toEqual({ delivered: true });
      state = await run.state();
      const history = windowOf(state, 'history');
      const [lab] = await db.rows<{ id: number }>('SELECT id FROM routers WHERE mac_address = ?', [
        'AA:BB:CC:00:00:01',
      ]);
      expect(history?.url).toBe(`${page('history')}?router=${lab?.id}`);
      await run.command('quit');
      expect((await run.exited).code).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);
});

describe('main process: popover', () => {
  it('toggles on a second click (the blur that comes first does not reopen it) and closes on Escape', async () => {
    writeSettings();
    const run = launch();
    await waitForState(run, 'the tray', (s) => s.tray !== null);
    await run.command('trayClick');
    let state = await waitForState(
      run,
      'the popover shown once painted',
      (s) => windowOf(s, 'popover')?.visible === true,
    );
    const popover = windowOf(state, 'popover');
    if (popover === undefined) throw new Error('no popover');
    // Linux trays give no bounds; under X11 the cursor (1500, 10) stands for the icon.
    expect(popover.position).toEqual({ x: 1311, y: 27 + 4 });
    expect(popover).toMatchObject({ menuRemoved: true, backgroundColor: '#ffffff' });
    // A second click on the icon: the popover first loses focus, then the click arrives.
    await run.command('windowEvent', { id: popover.id, event: 'blur' });
    await run.command('trayClick');
    state = await run.state();
    expect(windowOf(state, 'popover')?.visible).toBe(false);
    // A later click opens it again; Escape closes it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await run.command('trayClick');
    expect(windowOf(await run.state(), 'popover')?.visible).toBe(true);
    expect(await run.command('key', { id: popover.id, key: 'Escape' })).toEqual({
      prevented: true,
    });
    expect(windowOf(await run.state(), 'popover')?.visible).toBe(false);
    await run.command('trayClick');
    expect(windowOf(await run.state(), 'popover')?.visible).toBe(true);
  }, 30_000);

  it('goes to the top-right corner on Wayland, where neither cursor nor tray position is known', async () => {
    writeSettings();
    const run = launch({ WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'wayland' });
    await waitForState(run, 'the tray', (s) => s.tray !== null);
    await run.command('trayClick');
    const state = await waitForState(
      run,
      'the popover',
      (s) => windowOf(s, 'popover')?.visible === true,
    );
    expect(windowOf(state, 'popover')?.position).toEqual({ x: 1920 - 380, y: 27 + 4 });
  }, 30_000);
});

describe('main process: other systems', () => {
  it('macOS: activate shows the app, the title is the rate only, login item is the app itself', async () => {
    writeSettings();
    const run = launch({ BT_FAKE_PLATFORM: 'darwin' });
    let state = await waitForState(
      run,
      'the rate as the menu-bar title',
      (s) => /^↓ [\d.]+ Mbps ↑ [\d.]+ Mbps$/.test(s.tray?.title ?? ''),
      FIRST_DEMO_CYCLE_MS,
    );
    expect(state.dockHidden).toBe(true);
    expect(windowOf(state, 'history')).toBeUndefined();
    await run.command('appEmit', { event: 'activate' });
    state = await run.state();
    expect(windowOf(state, 'history')).toBeDefined();
    const history = windowOf(state, 'history');
    if (history === undefined) throw new Error('no history window');
    await invoke(run, history.id, 'saveSettings', settingsInput({ launchAtLogin: true }));
    state = await run.state();
    expect(state.loginItems.at(-1)).toEqual({
      openAtLogin: true,
      path: process.execPath,
      args: [ROOT.replace(/\/$/, '')],
    });
    expect(existsSync(join(xdgConfig, 'autostart'))).toBe(false);
  }, 180_000);

  it('Windows: toasts are tied to the installer’s appId', async () => {
    writeSettings();
    const run = launch({ BT_FAKE_PLATFORM: 'win32' });
    const state = await waitForState(run, 'the tray', (s) => s.tray !== null);
    const builder = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
    expect(builder).toMatch(/^appId: io\.github\.bandwidth-tracker$/m);
    expect(state.appUserModelId).toBe('io.github.bandwidth-tracker');
  }, 30_000);
});

describe('main process: start-up failures and damaged settings', () => {
  it('a start that throws shows the error, releases the single-instance lock and quits', async () => {
    // A folder where settings.json should be: it cannot be read at all.
    mkdirSync(join(profile, 'settings.json'));
    const run = launch();
    const { code, state } = await run.exited;
    expect(code).toBe(1);
    expect(state?.dialogs).toEqual([
      {
        kind: 'error',
        title: 'Bandwidth Tracker could not start',
        content: expect.stringMatching(
          /^Cannot read the settings file .*settings\.json \(EISDIR\)/,
        ),
      },
    ]);
    expect(state?.singleInstance).toEqual({ requested: 1, released: 1 });
  }, 30_000);

  it.each([
    ['an empty file', '', 'it is empty'],
    ['null', 'null', 'it holds no settings'],
    ['database: null', 'database-null', 'it has no database section'],
  ])(
    'starts with %s as settings.json: kept aside, defaults, a notice, Settings open',
    async (_, text, reason) => {
      const content =
        text === 'database-null' ? JSON.stringify(settingsFile({ database: null })) : text;
      writeFileSync(join(profile, 'settings.json'), content);
      const run = launch();
      const state = await waitForState(
        run,
        'Settings with the notice',
        (s) => windowOf(s, 'settings')?.visible === true && s.dialogs.length > 0,
      );
      expect(state.dialogs).toEqual([
        expect.objectContaining({
          kind: 'message',
          detail: expect.stringContaining(
            `The settings file could not be used (${reason}). It was kept as settings.json.bad-`,
          ),
        }),
      ]);
      const kept = readdirSync(profile).filter((f) => f.startsWith('settings.json.bad-'));
      expect(kept).toHaveLength(1);
      expect(readFileSync(join(profile, kept[0] ?? ''), 'utf8')).toBe(content);
      expect(state.tray?.tooltip).toBe('Bandwidth Tracker: waiting for the first poll');
      await run.command('quit');
      expect((await run.exited).code).toBe(0);
    },
    30_000,
  );

  it('starts with a secret the keyring can no longer open: not set, and Settings asks for it', async () => {
    const sealed = Buffer.from('key-1:hunter2').toString('base64');
    writeSettings({ database: { ...db.settings, password: undefined, sealedPassword: sealed } });
    // The keyring was reset: its key changed.
    const run = launch({ BT_FAKE_KEYRING_KEY: 'key-2' });
    const state = await waitForState(
      run,
      'Settings with the notice',
      (s) => windowOf(s, 'settings')?.visible === true && s.dialogs.length > 0,
    );
    expect(state.dialogs[0]?.detail).toBe(
      'The saved MySQL password could not be decrypted: the system keyring was reset, or the settings come from another user or computer. Type it again in Settings and save.',
    );
    const settings = windowOf(state, 'settings');
    if (settings === undefined) throw new Error('no settings window');
    const view = await invoke(run, settings.id, 'getSettings');
    expect(view).toMatchObject({
      ok: true,
      value: { firstRun: false, database: { passwordSet: false } },
    });
    // The file is fine: it stays, and polling goes on with the password not set.
    expect(readdirSync(profile).filter((f) => f.startsWith('settings.json.bad-'))).toEqual([]);
    await waitForState(
      run,
      'a cycle',
      (s) => /^DEMO · ↓/.test(s.tray?.tooltip ?? ''),
      FIRST_DEMO_CYCLE_MS,
    );
  }, 180_000);
});
