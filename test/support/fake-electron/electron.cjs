// A recording stand-in for the `electron` module, for running the real main and preload bundles
// under plain Node (the Electron binary cannot be downloaded here). It records what the app
// asks of Electron and lets the test (the parent process, over the fork IPC channel) act as the
// user and the OS: click the tray, press keys, click notifications, invoke IPC, quit.
// Test code only: the app never ships it.
const { EventEmitter } = require('node:events');

const recorded = {
  singleInstance: { requested: 0, released: 0 },
  appUserModelId: null,
  loginItems: [],
  dialogs: [],
  applicationMenus: [],
  ipcHandlers: [],
  ipcListeners: [],
  schemes: [],
  protocolHandlers: [],
  dockHidden: false,
  paths: {},
};
let exiting = false;

function send(message) {
  if (process.connected) process.send(message);
}

// ---------------------------------------------------------------- app
class App extends EventEmitter {
  constructor() {
    super();
    this.isPackaged = false;
    this.ready = false;
    this.readyPromise = new Promise((resolve) => {
      // Ready once the main bundle's top level has run, as in Electron.
      setImmediate(() => {
        this.ready = true;
        resolve();
        this.emit('ready');
      });
    });
    this.dock = {
      hide: () => {
        recorded.dockHidden = true;
      },
      show: () => {
        recorded.dockHidden = false;
      },
    };
    if (process.platform !== 'darwin') this.dock = undefined;
  }
  whenReady() {
    return this.readyPromise;
  }
  isReady() {
    return this.ready;
  }
  getPath(name) {
    if (recorded.paths[name] !== undefined) return recorded.paths[name];
    if (name === 'userData') return process.env.BT_FAKE_USER_DATA ?? '/nonexistent/user-data';
    return `/nonexistent/${name}`;
  }
  setPath(name, value) {
    recorded.paths[name] = value;
  }
  getAppPath() {
    return process.env.BT_FAKE_APP_PATH ?? process.cwd();
  }
  getName() {
    return 'bandwidth-tracker';
  }
  getVersion() {
    return '0.1.0';
  }
  requestSingleInstanceLock() {
    recorded.singleInstance.requested += 1;
    return process.env.BT_FAKE_LOCK_TAKEN !== '1';
  }
  releaseSingleInstanceLock() {
    recorded.singleInstance.released += 1;
  }
  setAppUserModelId(id) {
    recorded.appUserModelId = id;
  }
  setLoginItemSettings(settings) {
    recorded.loginItems.push(settings);
  }
  getLoginItemSettings() {
    return recorded.loginItems.at(-1) ?? { openAtLogin: false };
  }
  quit() {
    let prevented = false;
    this.emit('before-quit', {
      preventDefault: () => {
        prevented = true;
      },
    });
    if (prevented) return;
    this.emit('will-quit', { preventDefault() {} });
    this.emit('quit', {}, 0);
    this.exit(0);
  }
  exit(code = 0) {
    if (exiting) return;
    exiting = true;
    // The last state goes to the test before the process ends.
    const finish = () => process.exit(code);
    if (process.connected) process.send({ type: 'exit', code, state: snapshot() }, finish);
    else finish();
  }
}
const app = new App();

// ---------------------------------------------------------------- images, menus
const nativeImage = {
  createFromBuffer(buffer, options) {
    const representations = [{ scaleFactor: options?.scaleFactor ?? 1, buffer }];
    return {
      representations,
      addRepresentation(rep) {
        representations.push(rep);
      },
      isEmpty: () => false,
    };
  },
  createEmpty() {
    return { representations: [], addRepresentation() {}, isEmpty: () => true };
  },
};

const Menu = {
  buildFromTemplate(template) {
    return { items: template };
  },
  setApplicationMenu(menu) {
    recorded.applicationMenus.push(menu === null ? null : menu.items.map((i) => i.label));
  },
};

// ---------------------------------------------------------------- tray
let tray = null;
class Tray extends EventEmitter {
  constructor(image) {
    super();
    this.image = image;
    this.images = 1;
    this.tooltip = '';
    this.title = '';
    this.contextMenu = null;
    this.poppedUp = null;
    this.destroyed = false;
    tray = this;
  }
  setImage(image) {
    this.image = image;
    this.images += 1;
  }
  setToolTip(text) {
    this.tooltip = text;
  }
  setTitle(text) {
    this.title = text;
  }
  setContextMenu(menu) {
    this.contextMenu = menu;
  }
  popUpContextMenu(menu) {
    this.poppedUp = menu;
  }
  getBounds() {
    // What most Linux trays report.
    return { x: 0, y: 0, width: 0, height: 0 };
  }
  destroy() {
    this.destroyed = true;
  }
}

// ---------------------------------------------------------------- windows
const windows = [];
let nextWindowId = 1;

class WebContents extends EventEmitter {
  constructor(window) {
    super();
    this.id = window.id;
    this.window = window;
    this.mainFrame = { url: '' };
    this.sent = [];
    this.session = {
      permissionRequestHandler: null,
      setPermissionRequestHandler(handler) {
        this.permissionRequestHandler = handler;
      },
    };
    this.windowOpenHandler = null;
  }
  send(channel, payload) {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  getURL() {
    return this.mainFrame.url;
  }
}

class BrowserWindow extends EventEmitter {
  constructor(options = {}) {
    super();
    this.id = nextWindowId++;
    this.options = options;
    this.visible = options.show !== false;
    this.destroyed = false;
    this.menuRemoved = false;
    this.position = null;
    this.focused = false;
    this.webContents = new WebContents(this);
    windows.push(this);
  }
  static getAllWindows() {
    return windows.filter((w) => !w.destroyed);
  }
  loadURL(url) {
    this.webContents.mainFrame.url = url;
    // The page paints on a later turn, as in Electron.
    setTimeout(() => {
      if (!this.destroyed) this.emit('ready-to-show');
    }, 20);
    return Promise.resolve();
  }
  show() {
    this.visible = true;
    this.emit('show');
  }
  hide() {
    this.visible = false;
    this.emit('hide');
  }
  focus() {
    this.focused = true;
  }
  isVisible() {
    return this.visible;
  }
  isDestroyed() {
    return this.destroyed;
  }
  setPosition(x, y) {
    this.position = { x, y };
  }
  removeMenu() {
    this.menuRemoved = true;
  }
  setMenu(menu) {
    this.menuRemoved = menu === null;
  }
  close() {
    this.destroy();
  }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.emit('closed');
  }
}

// ---------------------------------------------------------------- notifications
// Only weak references: a Notification the app does not keep can be collected, as in Electron,
// where its click then never reaches the handler.
const notifications = [];
class Notification extends EventEmitter {
  static isSupported() {
    return true;
  }
  constructor(options) {
    super();
    this.record = { title: options.title, body: options.body, shown: false };
    notifications.push({ record: this.record, ref: new WeakRef(this) });
  }
  show() {
    this.record.shown = true;
  }
  close() {
    this.emit('close');
  }
}

// ---------------------------------------------------------------- the rest of the API
const ipcMainHandlers = new Map();
const ipcMain = {
  handle(channel, listener) {
    if (ipcMainHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
    ipcMainHandlers.set(channel, listener);
    recorded.ipcHandlers.push(channel);
  },
  removeHandler(channel) {
    ipcMainHandlers.delete(channel);
  },
  on(channel) {
    recorded.ipcListeners.push(channel);
  },
  once(channel) {
    recorded.ipcListeners.push(channel);
  },
};

let protocolHandler = null;
const protocol = {
  registerSchemesAsPrivileged(schemes) {
    recorded.schemes.push(...schemes.map((s) => s.scheme));
  },
  handle(scheme, handler) {
    recorded.protocolHandlers.push(scheme);
    protocolHandler = handler;
  },
};

const dialog = {
  showErrorBox(title, content) {
    recorded.dialogs.push({ kind: 'error', title, content });
  },
  showMessageBox(options) {
    recorded.dialogs.push({ kind: 'message', ...options });
    return Promise.resolve({ response: 0, checkboxChecked: false });
  },
};

const display = {
  bounds: { x: 0, y: 0, width: 1920, height: 1080 },
  workArea: { x: 0, y: 27, width: 1920, height: 1053 },
};
const screen = {
  getCursorScreenPoint: () => ({ x: 1500, y: 10 }),
  getPrimaryDisplay: () => display,
  getDisplayMatching: () => display,
  getDisplayNearestPoint: () => display,
};

const nativeTheme = { shouldUseDarkColors: false };

// The keyring: secrets sealed under one key; a "reset keyring" is another key.
const keyringKey = () => process.env.BT_FAKE_KEYRING_KEY ?? 'key-1';
const safeStorage = {
  isEncryptionAvailable: () => true,
  isAsyncEncryptionAvailable: async () => process.env.BT_FAKE_NO_KEYRING !== '1',
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (plain) => Buffer.from(`${keyringKey()}:${plain}`),
  decryptString: (buffer) => safeStorage.open(buffer),
  encryptStringAsync: async (plain) => Buffer.from(`${keyringKey()}:${plain}`),
  decryptStringAsync: async (buffer) => ({
    shouldReEncrypt: false,
    result: safeStorage.open(buffer),
  }),
  open(buffer) {
    const text = buffer.toString();
    const prefix = `${keyringKey()}:`;
    if (!text.startsWith(prefix))
      throw new Error(
        'Error while decrypting the ciphertext provided to safeStorage.decryptString.',
      );
    return text.slice(prefix.length);
  },
};

// Preload side.
const exposed = {};
const invoked = [];
const contextBridge = {
  exposeInMainWorld(key, api) {
    exposed[key] = api;
  },
};
const ipcRendererListeners = [];
const ipcRenderer = {
  invoke(channel, ...args) {
    invoked.push({ channel, args });
    // What main answers, as the router does: a value, or an error's message.
    if (channel === 'bt:getHistory')
      return Promise.resolve({ ok: false, message: 'The database is not connected yet' });
    return Promise.resolve({ ok: true, value: `${channel} answer` });
  },
  on(channel, listener) {
    ipcRendererListeners.push({ channel, listener });
  },
  removeListener(channel, listener) {
    const at = ipcRendererListeners.findIndex(
      (l) => l.channel === channel && l.listener === listener,
    );
    if (at >= 0) ipcRendererListeners.splice(at, 1);
  },
};

// ---------------------------------------------------------------- what the test sees
function imageOf(image) {
  return image.representations.map((r) => ({
    scale: r.scaleFactor,
    png: r.buffer.toString('base64'),
  }));
}

function snapshot() {
  return {
    ...recorded,
    tray:
      tray === null
        ? null
        : {
            tooltip: tray.tooltip,
            title: tray.title,
            image: imageOf(tray.image),
            images: tray.images,
            contextMenu: tray.contextMenu?.items.map((i) => i.label ?? i.type) ?? null,
            destroyed: tray.destroyed,
          },
    windows: windows.map((w) => ({
      id: w.id,
      url: w.webContents.mainFrame.url,
      title: w.options.title ?? null,
      visible: w.visible,
      destroyed: w.destroyed,
      menuRemoved: w.menuRemoved,
      backgroundColor: w.options.backgroundColor ?? null,
      position: w.position,
      sent: w.webContents.sent.map((s) => s.channel),
    })),
    notifications: notifications.map((n) => ({ ...n.record })),
    exposed: Object.fromEntries(
      Object.entries(exposed).map(([key, api]) => [key, Object.keys(api)]),
    ),
    invoked,
    rendererSubscriptions: ipcRendererListeners.map((l) => l.channel),
  };
}

function windowById(id) {
  const window = windows.find((w) => w.id === id);
  if (window === undefined) throw new Error(`no window ${id}`);
  return window;
}

/** What a hostile page in this window would meet: its web preferences and every guard. */
function probeGuards({ id, ownUrl }) {
  const window = windowById(id);
  const contents = window.webContents;
  const prevented = (event, ...args) => {
    let stopped = false;
    contents.emit(event, { preventDefault: () => (stopped = true) }, ...args);
    return stopped;
  };
  let permission = 'not asked';
  contents.session.permissionRequestHandler?.(contents, 'media', (granted) => {
    permission = granted;
  });
  const { preload, ...webPreferences } = window.options.webPreferences ?? {};
  return {
    webPreferences,
    hasPreload: typeof preload === 'string',
    foreignNavigationStopped: prevented('will-navigate', 'https://evil.example/'),
    ownNavigationStopped: prevented('will-navigate', ownUrl),
    redirectStopped: prevented('will-redirect', 'https://evil.example/'),
    webviewStopped: prevented('will-attach-webview', {}, {}),
    newWindow: contents.windowOpenHandler?.({ url: 'https://evil.example/' }) ?? null,
    permission,
  };
}

const commands = {
  state: () => snapshot(),
  probeGuards,
  trayClick: () => {
    tray.emit('click', {}, tray.getBounds());
    return null;
  },
  trayMenuClick: ({ label }) => {
    const menu = tray.contextMenu ?? tray.poppedUp;
    const item = menu?.items.find((i) => i.label === label);
    if (item === undefined) throw new Error(`no tray menu item ${label}`);
    if (item.type === 'checkbox') item.checked = !item.checked;
    item.click(item);
    return null;
  },
  windowEvent: ({ id, event }) => {
    windowById(id).emit(event, {});
    return null;
  },
  key: ({ id, key }) => {
    let prevented = false;
    windowById(id).webContents.emit(
      'before-input-event',
      {
        preventDefault: () => {
          prevented = true;
        },
      },
      { type: 'keyDown', key },
    );
    return { prevented };
  },
  invoke: async ({ channel, args, id }) => {
    const handler = ipcMainHandlers.get(channel);
    if (handler === undefined) throw new Error(`no handler for ${channel}`);
    const contents = windowById(id).webContents;
    return handler({ sender: contents, senderFrame: contents.mainFrame }, ...args);
  },
  notificationClick: ({ index }) => {
    global.gc?.();
    const notification = notifications[index]?.ref.deref();
    if (notification === undefined) return { delivered: false };
    notification.emit('click', {});
    return { delivered: true };
  },
  gc: () => {
    global.gc?.();
    return null;
  },
  appEmit: ({ event }) => {
    app.emit(event, {}, true);
    return null;
  },
  quit: () => {
    app.quit();
    return null;
  },
  fetchPage: async ({ url }) => {
    const response = await protocolHandler(new Request(url));
    return { status: response.status, type: response.headers.get('content-type') };
  },
  callExposed: async ({ key, name, args }) => {
    try {
      return { value: await exposed[key][name](...args) };
    } catch (error) {
      return { error: error.message };
    }
  },
};

process.on('message', async (message) => {
  if (message?.type !== 'command') return;
  try {
    const result = await commands[message.command](message.args ?? {});
    send({ type: 'reply', id: message.id, result });
  } catch (error) {
    send({ type: 'reply', id: message.id, error: String(error?.stack ?? error) });
  }
});
// The test ends the process; without a parent it must not linger.
process.on('disconnect', () => process.exit(0));

module.exports = {
  app,
  BrowserWindow,
  contextBridge,
  dialog,
  ipcMain,
  ipcRenderer,
  Menu,
  nativeImage,
  nativeTheme,
  Notification,
  protocol,
  safeStorage,
  screen,
  Tray,
};
