import { join } from 'node:path';
import { BrowserWindow, nativeTheme, type Rectangle, screen } from 'electron';
import type { EventName, Events } from '../../shared/ipc-contract';
import { eventChannel } from '../../shared/ipc-contract';
import { isWaylandSession, popoverAnchor, popoverPosition } from '../../shared/popover-position';
import { APP_ORIGIN } from '../../shared/trusted-sender';
import { pageUrl } from './app-protocol';

// 380×520: the demo's 12 routers and one quota bar fit without scrolling (the rows are tight for it).
const POPOVER_SIZE = { width: 380, height: 520 };
/**
 * A tray click first blurs the open popover (which hides it), then arrives as a click: a click
 * this soon after a blur-hide is that same click, and must leave the popover closed.
 */
const BLUR_CLICK_MS = 400;

/** The pages' own background (renderer/common/theme.css), so no white flash before they paint. */
function pageBackground(): string {
  return nativeTheme.shouldUseDarkColors ? '#16191d' : '#ffffff';
}

/** Secure defaults for every window, and no way for a page to navigate or open another. */
function secureWindow(
  options: Electron.BrowserWindowConstructorOptions,
  preload: string,
): BrowserWindow {
  const window = new BrowserWindow({
    backgroundColor: pageBackground(),
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
  // No File/Edit/View menu: the pages have their own controls (copy and paste still work).
  window.removeMenu();
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
  private popoverReady = false;
  private popoverHiddenAt = Number.NEGATIVE_INFINITY;
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
      this.hidePopover();
      return;
    }
    if (Date.now() - this.popoverHiddenAt < BLUR_CLICK_MS) return;
    const anchor = popoverAnchor(trayBounds, {
      wayland: process.platform === 'linux' && isWaylandSession(process.env),
      cursor: () => screen.getCursorScreenPoint(),
      primaryWorkArea: screen.getPrimaryDisplay().workArea,
    });
    const display = screen.getDisplayMatching(anchor);
    const { x, y } = popoverPosition(anchor, POPOVER_SIZE, display.bounds, display.workArea);
    popover.setPosition(x, y, false);
    const show = () => {
      popover.show();
      popover.focus();
    };
    // The first time, wait for the page to paint rather than show an empty window.
    if (this.popoverReady) show();
    else popover.once('ready-to-show', show);
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

  private hidePopover(byBlur = false): void {
    const popover = this.popover;
    if (popover === null || popover.isDestroyed() || !popover.isVisible()) return;
    popover.hide();
    if (byBlur) this.popoverHiddenAt = Date.now();
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
    popover.on('blur', () => this.hidePopover(true));
    popover.once('ready-to-show', () => {
      this.popoverReady = true;
    });
    // Escape closes it, as it does a menu.
    popover.webContents.on('before-input-event', (event, input) => {
      if (input.type === 'keyDown' && input.key === 'Escape') {
        event.preventDefault();
        this.hidePopover();
      }
    });
    popover.on('closed', () => {
      this.popover = null;
      this.popoverReady = false;
    });
    void popover.loadURL(pageUrl('popover'));
    this.popover = popover;
    return popover;
  }
}
