// Electron adapter: wires the pure modules beside it to Electron's APIs and holds no logic of its own.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  type NativeImage,
  Notification,
  nativeImage,
  protocol,
  screen,
  session,
  shell,
  Tray,
} from 'electron';
import pino from 'pino';
import { localStackArgs } from '../protocol';
import { AppController, initialTrayState } from './app-controller';
import { APP_ENTRY, APP_ORIGIN, APP_SCHEME, appSchemePrivileges, serveAppRequest } from './app-protocol';
import { keyringCredentialStore, memoryCredentialStore, withFallback } from './credentials';
import { toIpcError } from './errors';
import { registerIpc } from './ipc';
import { jsonFile } from './json-file';
import { kubeContextList } from './kube-contexts';
import { type LaunchArgs, parseLaunchArgs } from './launch-args';
import { createProfileStore, type ProfileStore, ServerUrl } from './profiles';
import * as security from './security';
import { StackSupervisor } from './stack-supervisor';
import { trayIconDataUrl } from './tray-icon';
import { buildTrayMenu, type TrayActions, type TrayState } from './tray-menu';
import { createStore } from './tray-store';
import { createGeometryStore } from './window-geometry';
import { type WindowFactory, WindowManager } from './windows';

const log = pino({ name: 'streamspace-main', level: process.env.STREAMSPACE_LOG_LEVEL ?? 'info' });

// Must happen before `ready`: the scheme's privileges are fixed when Chromium starts.
protocol.registerSchemesAsPrivileged([appSchemePrivileges]);
app.enableSandbox();
if (process.platform === 'win32') app.setAppUserModelId('io.streamspace.desktop');

const devServer = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const rendererEntry = devServer ?? APP_ENTRY;
const devOrigin = security.originOf(devServer) ?? undefined;
const rendererOrigins = devOrigin ? [APP_ORIGIN, devOrigin] : [APP_ORIGIN];

const appPath = app.getAppPath();
const paths = {
  preload: join(appPath, 'out', 'preload', 'index.cjs'),
  renderer: join(appPath, 'out', 'renderer'),
  server: join(appPath, 'out', 'server', 'serve.js'),
};

function trayImage(): NativeImage {
  // macOS tints template images for light and dark menu bars; elsewhere the icon carries its colour.
  const mac = process.platform === 'darwin';
  const rgb: [number, number, number] = mac ? [0, 0, 0] : [59, 130, 246];
  try {
    const image = nativeImage.createFromDataURL(trayIconDataUrl(16, rgb));
    image.addRepresentation({ scaleFactor: 2, dataURL: trayIconDataUrl(32, rgb) });
    if (mac) image.setTemplateImage(true);
    return image;
  } catch (error) {
    log.warn({ error: String(error) }, 'tray icon could not be drawn');
    return nativeImage.createEmpty();
  }
}

function notify(title: string, body: string): void {
  log.warn({ title, body }, 'tray action failed');
  if (Notification.isSupported()) new Notification({ title, body }).show();
}

/** Local mode's stack may come back on any loopback port, so the CSP allows them all; remote is one origin. */
function backendOrigins(profiles: ProfileStore): string[] {
  const active = profiles.active();
  return active.mode === 'remote' ? [active.url] : ['http://127.0.0.1:*', 'http://localhost:*'];
}

async function addServerFromArgs(args: LaunchArgs, profiles: ProfileStore, controller: AppController | null) {
  if (!args.server) return;
  try {
    const url = ServerUrl.parse(args.server.url);
    const existing = profiles.list().find((p) => p.mode === 'remote' && p.url === url);
    const profile =
      existing ?? (await profiles.add({ name: args.server.name ?? new URL(url).hostname, url }));
    if (controller) await controller.switchProfile(profile.id);
    else await profiles.setActive(profile.id);
  } catch (error) {
    notify('Could not add the server', toIpcError(error).message);
  }
}

function hardenContents(windows: () => WindowManager): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      const decision = security.classifyWindowOpen(url, rendererOrigins);
      if (decision.kind === 'viewer') windows().openSession(decision.name);
      else if (decision.kind === 'external') void shell.openExternal(decision.url);
      else log.warn({ url }, 'window.open denied');
      return { action: 'deny' };
    });
    const guard = (event: Electron.Event, url: string) => {
      if (security.isAllowedNavigation(url, rendererOrigins)) return;
      event.preventDefault();
      log.warn({ url }, 'navigation blocked');
    };
    contents.on('will-navigate', (event) => guard(event, event.url));
    contents.on('will-redirect', (event) => guard(event, event.url));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

function hardenSession(profiles: ProfileStore): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(security.isAllowedPermission(permission, details.requestingUrl, rendererOrigins));
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    security.isAllowedPermission(permission, requestingOrigin, rendererOrigins),
  );
  ses.webRequest.onHeadersReceived((details, callback) => {
    const ours =
      details.resourceType === 'mainFrame' && rendererOrigins.includes(security.originOf(details.url) ?? '');
    if (!ours) {
      callback({});
      return;
    }
    const csp = security.buildCsp({ backendOrigins: backendOrigins(profiles), devServerOrigin: devOrigin });
    callback({ responseHeaders: security.withCsp(details.responseHeaders, csp) });
  });
}

// A second launch during start-up must not be lost, so argv waits here until main() can act on it.
const pendingSecondInstances: string[][] = [];
let onSecondInstance: ((argv: string[]) => void) | null = null;
app.on('second-instance', (_event, argv) => {
  if (onSecondInstance) onSecondInstance(argv);
  else pendingSecondInstances.push(argv);
});

async function main(): Promise<void> {
  await app.whenReady();
  const userData = app.getPath('userData');
  const launch = parseLaunchArgs(process.argv);

  const credentials = withFallback(keyringCredentialStore(), memoryCredentialStore(), (error) =>
    log.warn({ error: error.message }, 'system keychain unavailable; secrets last until quit'),
  );
  const profilesFile = jsonFile(join(userData, 'profiles.json'));
  const profiles = await createProfileStore({ read: profilesFile.read, write: profilesFile.write });
  await addServerFromArgs(launch, profiles, null);

  const geometryFile = jsonFile(join(userData, 'window-geometry.json'));
  const geometry = await createGeometryStore({
    read: geometryFile.read,
    write: geometryFile.write,
    displays: () => {
      const primary = screen.getPrimaryDisplay();
      return [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
    },
    defaultSize: { width: 1280, height: 800 },
  });

  protocol.handle(APP_SCHEME, (request) =>
    serveAppRequest(request, {
      root: paths.renderer,
      csp: () => security.buildCsp({ backendOrigins: backendOrigins(profiles), devServerOrigin: devOrigin }),
    }),
  );
  hardenSession(profiles);

  const store = createStore<TrayState>(initialTrayState(profiles));
  const displayName = (template: string | undefined) =>
    store.get().templates.find((t) => t.name === template)?.displayName ?? template ?? 'Session';

  const createWindow: WindowFactory = (kind, placement) => {
    const window = new BrowserWindow({
      ...placement,
      minWidth: 480,
      minHeight: 320,
      show: false,
      title: kind.kind === 'dashboard' ? 'StreamSpace' : `${displayName(kind.template)} — StreamSpace`,
      backgroundColor: '#0f172a',
      autoHideMenuBar: true,
      webPreferences: security.secureWebPreferences(paths.preload),
    });
    window.once('ready-to-show', () => window.show());
    window.webContents.on('render-process-gone', (_event, details) => {
      log.error({ reason: details.reason, kind }, 'renderer process gone');
    });
    return window;
  };
  const windows = new WindowManager({
    create: createWindow,
    geometry,
    entry: () => rendererEntry,
    templateOf: (name) => store.get().sessions.find((s) => s.name === name)?.template,
    onError: (error) => log.warn({ error: String(error) }, 'window'),
  });
  hardenContents(() => windows);

  const controller = new AppController({
    profiles,
    credentials,
    fetch: (url, init) => fetch(url, init),
    store,
    createStack: () =>
      new StackSupervisor({
        serverScript: paths.server,
        dataDir: join(userData, 'stack'),
        credentials,
        allowedOrigins: rendererOrigins,
        args: () => localStackArgs(profiles.localSettings()),
        fork: (modulePath, args, options) => fork(modulePath, [...args], options),
        onOutput: (stream, line) => {
          if (stream === 'stderr') log.warn({ stack: line }, 'stack');
          else log.debug({ stack: line }, 'stack');
        },
      }),
    log,
    onProfileSwitched: () => {
      windows.closeSessions();
      windows.reloadAll();
    },
    onServerMoved: () => windows.reloadAll(),
    onSessionLaunched: (launched) => windows.openSession(launched.name, launched.template),
    notify,
    listKubeContexts: (kubeconfig) => kubeContextList(kubeconfig, process.env),
  });

  registerIpc(
    ipcMain,
    controller.ipcHandlers((name) => windows.openSession(name)),
    (frameUrl) => security.isTrustedSender(frameUrl, rendererOrigins),
    log,
  );

  const actions: TrayActions = {
    ...controller.sessionActions(),
    openSession: (name) => windows.openSession(name),
    openDashboard: () => windows.openDashboard(),
    quit: () => app.quit(),
  };
  const tray = new Tray(trayImage());
  tray.setToolTip('StreamSpace');
  const renderTray = (state: TrayState) => {
    tray.setContextMenu(Menu.buildFromTemplate(buildTrayMenu(state, actions)));
    tray.setToolTip(`StreamSpace — ${state.profile.name}: ${state.connection.replace('_', ' ')}`);
  };
  store.subscribe(renderTray);
  renderTray(store.get());
  // On macOS a click opens the menu; elsewhere a click on the icon is expected to show the app.
  if (process.platform !== 'darwin') tray.on('click', () => windows.openDashboard());

  onSecondInstance = (argv) => {
    void addServerFromArgs(parseLaunchArgs(argv), profiles, controller);
    windows.openDashboard();
  };
  for (const argv of pendingSecondInstances.splice(0)) onSecondInstance(argv);
  app.on('activate', () => windows.openDashboard());
  // The tray keeps the app alive: closing the last window must not quit (nor end any session).
  app.on('window-all-closed', () => {});

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, 10_000));
    Promise.race([controller.shutdown(), deadline])
      .catch((error: unknown) => log.error({ error: String(error) }, 'shutdown'))
      .finally(() => {
        tray.destroy();
        app.quit();
      });
  });

  if (!launch.hidden) windows.openDashboard();
  await controller.start();
}

if (app.requestSingleInstanceLock()) {
  main().catch((error: unknown) => {
    log.fatal({ error: error instanceof Error ? error.stack : String(error) }, 'startup failed');
    app.exit(1);
  });
} else {
  // Another instance owns the tray; it gets our argv through 'second-instance'.
  app.quit();
}
