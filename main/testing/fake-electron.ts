// A stand-in for the `electron` module, aliased in when main/index.ts is bundled for the adapter smoke
// test: no Electron binary can run here, so this records what the adapter asks of Electron instead.
import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

type Listener = (...args: never[]) => unknown;

export interface FakeWebContents extends EventEmitter {
  windowOpenHandler?: (details: { url: string }) => { action: string };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void;
  getURL(): string;
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
}

// Electron sets this (read-only) for every process; packaged, the tray icons are read from below it.
Object.defineProperty(process, 'resourcesPath', {
  value: process.env.FAKE_APP_PATH ?? '',
  configurable: true,
});

export const recorded = {
  ready: false,
  privilegedBeforeReady: null as boolean | null,
  privileged: [] as unknown[],
  sandboxEnabled: false,
  ipc: new Map<string, Listener>(),
  protocolHandlers: new Map<string, (request: { url: string; method: string }) => Promise<Response>>(),
  headersHandler: null as null | ((details: object, callback: (response: object) => void) => void),
  permissionRequest: null as null | ((...args: unknown[]) => void),
  permissionCheck: null as null | ((...args: unknown[]) => boolean),
  trayMenu: [] as Array<Record<string, unknown>>,
  trayMenus: 0,
  tooltip: '',
  windows: [] as FakeBrowserWindow[],
  notifications: [] as unknown[],
  external: [] as string[],
  /** Paths nativeImage.createFromPath was given, and the tray's current one. */
  imagePaths: [] as string[],
  trayImage: '',
  /** Questions asked with dialog.showMessageBox, and the button indexes the test has queued to answer them. */
  dialogs: [] as Array<{ message: string; detail?: string; buttons?: string[]; defaultId?: number }>,
  dialogAnswers: [] as number[],
  notificationObjects: [] as EventEmitter[],
  utilityForks: [] as Array<{ modulePath: string; args: string[]; options: Record<string, unknown> }>,
  loginItem: { openAtLogin: false },
  quitted: false,
  /** Main → renderer pushes, with the URL of the page each went to. */
  pushes: [] as Array<{ channel: string; payload: unknown; url: string }>,
};

class FakeApp extends EventEmitter {
  isPackaged = true;
  enableSandbox() {
    recorded.sandboxEnabled = true;
  }
  setAppUserModelId() {}
  getLoginItemSettings() {
    return { ...recorded.loginItem };
  }
  setLoginItemSettings(settings: { openAtLogin: boolean }) {
    recorded.loginItem = { openAtLogin: settings.openAtLogin };
  }
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        recorded.ready = true;
        resolve();
      }, 5),
    );
  }
  getAppPath() {
    return process.env.FAKE_APP_PATH ?? '';
  }
  getPath(name: string) {
    return join(process.env.FAKE_USER_DATA ?? '', name);
  }
  quit() {
    let prevented = false;
    this.emit('before-quit', {
      preventDefault: () => {
        prevented = true;
      },
    });
    if (!prevented) recorded.quitted = true;
  }
  exit(code: number) {
    process.exit(code);
  }
}
export const app = new FakeApp();

export class FakeBrowserWindow extends EventEmitter {
  static getAllWindows(): FakeBrowserWindow[] {
    return recorded.windows.filter((w) => !w.destroyed);
  }
  url = '';
  destroyed = false;
  readonly webContents: FakeWebContents;
  constructor(readonly options: Record<string, unknown>) {
    super();
    const contents = new EventEmitter() as FakeWebContents;
    contents.setWindowOpenHandler = (handler) => {
      contents.windowOpenHandler = handler;
    };
    contents.getURL = () => this.url;
    contents.send = (channel, payload) => {
      recorded.pushes.push({ channel, payload, url: this.url });
    };
    contents.isDestroyed = () => this.destroyed;
    this.webContents = contents;
    recorded.windows.push(this);
    app.emit('web-contents-created', {}, contents);
  }
  async loadURL(url: string) {
    this.url = url;
    this.emit('ready-to-show');
  }
  show() {}
  focus() {}
  isMinimized() {
    return false;
  }
  restore() {}
  isDestroyed() {
    return this.destroyed;
  }
  isFullScreen() {
    return false;
  }
  setTitle(title: string) {
    this.options.title = title;
  }
  getNormalBounds() {
    return { x: 10, y: 20, width: 800, height: 600 };
  }
  reload() {}
  close() {
    this.emit('close', { preventDefault() {} });
    this.destroyed = true;
    this.emit('closed');
  }
}
export const BrowserWindow = FakeBrowserWindow;

export const ipcMain = {
  handle(channel: string, listener: Listener) {
    recorded.ipc.set(channel, listener);
  },
};

export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]) {
    recorded.privilegedBeforeReady = !recorded.ready;
    recorded.privileged.push(...schemes);
  },
  handle(scheme: string, handler: (request: { url: string; method: string }) => Promise<Response>) {
    recorded.protocolHandlers.set(scheme, handler);
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler: (...args: unknown[]) => void) {
      recorded.permissionRequest = handler;
    },
    setPermissionCheckHandler(handler: (...args: unknown[]) => boolean) {
      recorded.permissionCheck = handler;
    },
    webRequest: {
      onHeadersReceived(handler: (details: object, callback: (response: object) => void) => void) {
        recorded.headersHandler = handler;
      },
    },
  },
};

const display = { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } };
export const screen = { getPrimaryDisplay: () => display, getAllDisplays: () => [display] };

const image = { addRepresentation() {}, setTemplateImage() {}, isEmpty: () => false };
export const nativeImage = {
  createFromDataURL: () => image,
  createEmpty: () => image,
  createFromPath(path: string) {
    recorded.imagePaths.push(path);
    return { ...image, path, isEmpty: () => !existsSync(path) };
  },
};

let clipboardText = '';
export const clipboard = {
  readText: () => clipboardText,
  writeText(text: string) {
    clipboardText = text;
  },
};

export const Menu = { buildFromTemplate: (template: Array<Record<string, unknown>>) => ({ template }) };

export class Tray extends EventEmitter {
  setContextMenu(menu: { template: Array<Record<string, unknown>> }) {
    recorded.trayMenu = menu.template;
    recorded.trayMenus += 1;
  }
  constructor(image: { path?: string }) {
    super();
    recorded.trayImage = image.path ?? '';
  }
  setImage(image: { path?: string }) {
    recorded.trayImage = image.path ?? '';
  }
  setToolTip(text: string) {
    recorded.tooltip = text;
  }
  destroy() {}
}

export class Notification extends EventEmitter {
  static isSupported() {
    return true;
  }
  constructor(readonly options: unknown) {
    super();
    recorded.notifications.push(options);
    recorded.notificationObjects.push(this);
  }
  show() {}
}

export const dialog = {
  async showMessageBox(options: {
    message: string;
    detail?: string;
    buttons?: string[];
    defaultId?: number;
  }) {
    recorded.dialogs.push(options);
    // Unanswered questions get what Escape would give: the cancel button.
    return { response: recorded.dialogAnswers.shift() ?? 1, checkboxChecked: false };
  },
};

export const shell = {
  async openExternal(url: string) {
    recorded.external.push(url);
  },
};

/**
 * Electron's utility process on a Node fork: the child gets `process.parentPort`, which queues
 * messages until a handler is registered as Electron's does, and no `process.send`.
 */
const PARENT_PORT_SHIM = [
  'const send = process.send.bind(process); delete process.send;',
  'const handlers = []; const queued = [];',
  "process.on('message', (data) => { if (handlers.length === 0) queued.push(data); for (const h of handlers) h({ data }); });",
  "process.parentPort = { on(event, handler) { if (event === 'message') { handlers.push(handler);",
  'for (const data of queued.splice(0)) handler({ data }); } return this; }, postMessage: (m) => send(m) };',
].join(' ');

class FakeUtilityProcess extends EventEmitter {
  private readonly child: ChildProcess;
  constructor(modulePath: string, args: string[], options: { env?: NodeJS.ProcessEnv }) {
    super();
    this.child = fork(modulePath, args, {
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: ['--import', `data:text/javascript,${encodeURIComponent(PARENT_PORT_SHIM)}`],
    });
    this.child.on('spawn', () => this.emit('spawn'));
    this.child.on('message', (message) => this.emit('message', message));
    this.child.on('exit', (code, signal) => this.emit('exit', code ?? (signal ? 1 : 0)));
  }
  get pid() {
    return this.child.pid;
  }
  get stdout() {
    return this.child.stdout;
  }
  get stderr() {
    return this.child.stderr;
  }
  postMessage(message: unknown) {
    if (this.child.connected) this.child.send(message as object);
  }
  kill() {
    return this.child.kill('SIGTERM');
  }
}

export const utilityProcess = {
  fork(modulePath: string, args: string[] = [], options: { env?: NodeJS.ProcessEnv } = {}) {
    recorded.utilityForks.push({ modulePath, args, options: { ...options, env: undefined } });
    return new FakeUtilityProcess(modulePath, args, options);
  },
};
