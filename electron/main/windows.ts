import { join } from 'node:path';
import { BrowserWindow, type Rectangle, screen } from 'electron';
import type { EventName, Events } from '../../shared/ipc-contract';
import { eventChannel } from '../../shared/ipc-contract';
import { popoverPosition } from '../../shared/popover-position';
import { APP_ORIGIN } from '../../shared/trusted-sender';
import { pageUrl } from './app-protocol';

const POPOVER_SIZE = { width: 380, height: 520 };

/** Secure defaults for every window, and no way for a page to navigate or open another. */
function secureWindow(
  options: Electron.BrowserWindowConstructorOptions,
  preload: string,
): BrowserWindow {
  const window = new BrowserWindow({
    ...options,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  const contents = window.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );
  return window;
}

/** The popover (one, reused), the history window (one at a time) and the settings window. */
export class Windows {
  private popover: BrowserWindow | null = null;
  private history: BrowserWindow | null = null;
  private settings: BrowserWindow | null = null;
  private readonly preload: string;

  constructor(appDir: string) {
    this.preload = join(appDir, 'preload.cjs');
  }

  all(): BrowserWindow[] {
    return [this.popover, this.history, this.settings].filter(
      (w): w is BrowserWindow => w !== null && !w.isDestroyed(),
    );
  }

  broadcast<E extends EventName>(event: E, payload: Events[E]): void {
    for (const window of this.all()) window.webContents.send(eventChannel(event), payload);
  }

  togglePopover(trayBounds: Rectangle): void {
    const popover = this.ensurePopover();
    if (popover.isVisible()) {
      popover.hide();
      return;
    }
    // Some Linux trays report empty bounds: the cursor is then the best guess of where the icon is.
    const anchor =
      trayBounds.width > 0 ? trayBounds : { ...screen.getCursorScreenPoint(), width: 1, height: 1 };
    const display = screen.getDisplayMatching(anchor);
    const { x, y } = popoverPosition(anchor, POPOVER_SIZE, display.bounds, display.workArea);
    popover.setPosition(x, y, false);
    popover.show();
    popover.focus();
  }

  openHistory(routerId?: number): void {
    if (this.history !== null && !this.history.isDestroyed()) {
      if (routerId !== undefined)
        this.history.webContents.send(eventChannel('historyFocus'), { routerId });
      this.history.show();
      this.history.focus();
      return;
    }
    this.history = secureWindow(
      {
        width: 1100,
        height: 800,
        minWidth: 640,
        minHeight: 480,
        title: 'Bandwidth history',
        show: false,
      },
      this.preload,
    );
    this.history.once('ready-to-show', () => this.history?.show());
    this.history.on('closed', () => {
      this.history = null;
    });
    void this.history.loadURL(
      pageUrl('history', routerId === undefined ? '' : `?router=${routerId}`),
    );
  }

  openSettings(): void {
    if (this.settings !== null && !this.settings.isDestroyed()) {
      this.settings.show();
      this.settings.focus();
      return;
    }
    this.settings = secureWindow(
      { width: 640, height: 820, title: 'Bandwidth Tracker settings', show: false },
      this.preload,
    );
    this.settings.once('ready-to-show', () => this.settings?.show());
    this.settings.on('closed', () => {
      this.settings = null;
    });
    void this.settings.loadURL(pageUrl('settings'));
  }

  private ensurePopover(): BrowserWindow {
    if (this.popover !== null && !this.popover.isDestroyed()) return this.popover;
    const popover = secureWindow(
      {
        ...POPOVER_SIZE,
        show: false,
        frame: false,
        resizable: false,
        movable: false,
        minimizable: false,
        maximizable: false,
        fullscreenable: false,
        skipTaskbar: true,
        alwaysOnTop: true,
        title: 'Bandwidth',
      },
      this.preload,
    );
    popover.on('blur', () => popover.hide());
    void popover.loadURL(pageUrl('popover'));
    this.popover = popover;
    return popover;
  }
}
