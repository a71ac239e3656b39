// The tray app's main process: a thin shell that wires the core to Tray, BrowserWindow,
// Notification and ipcMain. Every decision lives in the core or in shared/.
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { app, dialog, ipcMain } from 'electron';
import { DEFAULT_SETTINGS, DEMO_SETTINGS } from '../../shared/settings';
import { trayTooltip } from '../../shared/tray-status';
import { announcedRebootsFile } from '../core/announced-reboots-file';
import { BandwidthService } from '../core/bandwidth-service';
import { createCallHandlers, toServiceSettings } from '../core/call-handlers';
import { edgeFlagsOf, edgeMarksFrom } from '../core/edge-marks';
import { FileSettingsStore } from '../core/settings-store';
import { RUNTIME_V8_FLAGS } from '../core/v8-flags';
import { AlertNotifier } from './alert-notifier';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { registerIpcHandlers } from './ipc-router';
import { type LaunchHost, setLaunchAtLogin } from './login-item';
import { RebootNotifier } from './reboot-notifier';
import { safeStorageBox } from './safe-storage-box';
import { TrayController } from './tray-controller';
import { Windows } from './windows';

/** The installer's appId (electron-builder.yml): Windows ties toasts to it. */
const APP_ID = 'io.github.bandwidth-tracker';

// The bundle sits in dist-electron/; the pages in dist/renderer/.
const APP_DIR = __dirname;
const RENDERER_DIR = join(APP_DIR, '..', 'dist', 'renderer');

const log = (line: string) => console.log(line);

// The core's V8 flags, as the collector runs with them (electron/core/v8-flags.ts). This
// process's heap exists before this line runs, and `app.commandLine.appendSwitch('js-flags')`
// reaches only the pages' processes: the heap-size flag comes from the launcher's
// `--js-flags`, and the flags V8 reads on every collection are set here, for every launch.
for (const flag of RUNTIME_V8_FLAGS) setFlagsFromString(flag);

// End-to-end tests run the app against a throwaway profile.
if (process.env.BT_USER_DATA_DIR) app.setPath('userData', process.env.BT_USER_DATA_DIR);
// `npm run demo`: the demo network, in a profile (and a database) of its own, so trying the
// app never touches real settings or history.
const demo = process.argv.includes('--demo');
if (demo) app.setPath('userData', join(app.getPath('userData'), 'demo'));
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

if (!app.requestSingleInstanceLock()) {
  // Another copy runs: it gets the 'second-instance' event and shows itself.
  app.quit();
} else {
  registerAppScheme();
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => failedToStart(error));
}

/**
 * A start that throws must not leave an invisible process holding the single-instance lock
 * (every later launch would quit at once): say what failed, release the lock, quit.
 */
function failedToStart(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`Bandwidth Tracker could not start: ${message}`);
  try {
    dialog.showErrorBox(
      'Bandwidth Tracker could not start',
      `${message}\n\nFix the cause and start Bandwidth Tracker again. If it keeps failing, start it from a terminal to see the details.`,
    );
  } finally {
    app.releaseSingleInstanceLock();
    app.exit(1);
  }
}

async function start(): Promise<void> {
  app.dock?.hide();
  serveRenderer(RENDERER_DIR);
  const userData = app.getPath('userData');
  const store = new FileSettingsStore(
    join(userData, 'settings.json'),
    safeStorageBox,
    demo ? DEMO_SETTINGS : DEFAULT_SETTINGS,
  );
  const loaded = await store.load();
  const settings = loaded.settings;
  // The demo needs nothing set up: it starts polling instead of opening Settings. Cleared by
  // the first save, so the rest of the session behaves as any later one.
  let firstRun = loaded.firstRun && !demo;
  let notificationsOn = settings.notifications;
  const launchHost: LaunchHost = {
    platform: process.platform,
    execPath: process.execPath,
    appPath: app.getAppPath(),
    isPackaged: app.isPackaged,
    extraArgs: demo ? ['--demo'] : [],
    env: process.env,
  };

  const service = new BandwidthService({
    settings: toServiceSettings(settings),
    log,
    announcedReboots: announcedRebootsFile(join(userData, 'announced-reboots.json')),
    journal: { path: join(userData, 'journal.jsonl') },
    // `--edge NAME_OR_MAC` / BT_EDGE, as the collector takes them; Settings marks the rest.
    edgeMarks: edgeMarksFrom(edgeFlagsOf(process.argv), process.env.BT_EDGE),
  });
  const windows = new Windows(APP_DIR);
  const tray = new TrayController({
    togglePopover: (bounds) => windows.togglePopover(bounds),
    openHistory: () => windows.openHistory(),
    openSettings: () => windows.openSettings(),
    setPaused: (paused) => service.setPaused(paused),
    quit: () => app.quit(),
  });
  const notifier = new RebootNotifier((routerId) => windows.openHistory(routerId));
  const alertNotifier = new AlertNotifier(
    () => windows.openHistory(),
    (routerId) => windows.openHistory(routerId),
  );

  const handlers = createCallHandlers(service, store, {
    openWindow: (name, options) =>
      name === 'history' ? windows.openHistory(options.routerId) : windows.openSettings(),
    settingsSaved: (saved) => {
      firstRun = false;
      notificationsOn = saved.notifications;
      setLaunchAtLogin(saved.launchAtLogin, launchHost, (item) =>
        app.setLoginItemSettings(item),
      ).catch((error: unknown) =>
        log(`Could not change launch at login: ${error instanceof Error ? error.message : error}`),
      );
    },
  });
  registerIpcHandlers(ipcMain, handlers, log);

  service.on('statusChanged', (state) => {
    tray.update(state);
    windows.broadcast('statusChanged', state);
  });
  service.on('cycleCompleted', (event) => {
    // The tray reads totals and statuses only: no list of every router each cycle.
    tray.update(service.getState({ routers: false }));
    windows.broadcast('cycleCompleted', event);
  });
  service.on('routerRebooted', (event) => {
    windows.broadcast('routerRebooted', event);
    notifier.notify(event, notificationsOn);
  });
  service.on('quotaCrossed', (event) => {
    windows.broadcast('quotaCrossed', event);
    alertNotifier.quota(event, notificationsOn);
  });
  service.on('routerOffline', (event) => {
    windows.broadcast('routerOffline', event);
    alertNotifier.offline(event, notificationsOn);
  });

  const showApp = () => (firstRun ? windows.openSettings() : windows.openHistory());
  app.on('second-instance', showApp);
  // macOS: opening the app again from Finder or the Dock fires 'activate', not 'second-instance'.
  app.on('activate', showApp);
  // A tray app keeps running with every window closed.
  app.on('window-all-closed', () => {});
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Let the cycle in progress commit before the process ends.
    event.preventDefault();
    quitting = true;
    service.stop().finally(() => {
      tray.destroy();
      app.quit();
    });
  });

  if (process.env.BT_E2E === '1') {
    // What a person sees in the tray, readable by the Playwright test (which cannot see a tray).
    Object.assign(globalThis, {
      bandwidthE2E: {
        tooltip: () => trayTooltip(service.getState()),
        openPopover: () => windows.togglePopover({ x: 0, y: 0, width: 0, height: 0 }),
      },
    });
  }
  tray.update(service.getState());
  // On a first run nothing is polled (and no database created) until the user has checked the
  // defaults and saved them: saving starts polling.
  if (!firstRun) service.start();
  if (firstRun || loaded.notice) windows.openSettings();
  if (loaded.notice) {
    // Said once at start, over the Settings window that lets the user fix it.
    log(`Settings: ${loaded.notice}`);
    void dialog.showMessageBox({
      type: 'warning',
      title: 'Bandwidth Tracker settings',
      message: 'Your settings need attention',
      detail: loaded.notice,
    });
  }
}
