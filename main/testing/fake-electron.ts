// A stand-in for the `electron` module, aliased in when main/index.ts is bundled for the adapter smoke
// test: no Electron binary can run here, so this records what the adapter asks of Electron instead.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';

type Listener = (...args: never[]) => unknown;

export interface FakeWebContents extends EventEmitter {
  windowOpenHandler?: (details: { url: string }) => { action: string };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void;
}

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
  quitted: false,
};

class FakeApp extends EventEmitter {
  isPackaged = true;
  enableSandbox() {
    recorded.sandboxEnabled = true;
  }
  setAppUserModelId() {}
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
  url = '';
  destroyed = false;
  readonly webContents: FakeWebContents;
  constructor(readonly options: Record<string, unknown>) {
    super();
    const contents = new EventEmitter() as FakeWebContents;
    contents.setWindowOpenHandler = (handler) => {
      contents.windowOpenHandler = handler;
    };
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
export const nativeImage = { createFromDataURL: () => image, createEmpty: () => image };

export const Menu = { buildFromTemplate: (template: Array<Record<string, unknown>>) => ({ template }) };

export class Tray extends EventEmitter {
  setContextMenu(menu: { template: Array<Record<string, unknown>> }) {
    recorded.trayMenu = menu.template;
    recorded.trayMenus += 1;
  }
  setToolTip(text: string) {
    recorded.tooltip = text;
  }
  destroy() {}
}

export class Notification {
  static isSupported() {
    return true;
  }
  constructor(readonly options: unknown) {
    recorded.notifications.push(options);
  }
  show() {}
}

export const shell = {
  async openExternal(url: string) {
    recorded.external.push(url);
  },
};
