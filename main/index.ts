// Electron adapter: wires the pure modules beside it to Electron's APIs and holds no logic of its own.
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  clipboard,
  ipcMain,
  Menu,
  Notification,
  protocol,
  screen,
  session,
  Tray,
} from 'electron';
import pino from 'pino';
import { localStackArgs } from '../protocol';
import { AppController, initialTrayState } from './app-controller';
import { APP_ENTRY, APP_ORIGIN, APP_SCHEME, appSchemePrivileges, serveAppRequest } from './app-protocol';
import { createAppSettings } from './app-settings';
import { realTimers } from './auth-session';
import { createClipboardHandlers } from './clipboard-handlers';
import {
  KEYCHAIN_UNAVAILABLE_MESSAGE,
  keyringCredentialStore,
  memoryCredentialStore,
  withFallback,
} from './credentials';
import { profileList } from './desktop-handlers';
import { toIpcError } from './errors';
import { createPush, registerIpc } from './ipc';
import { jsonFile } from './json-file';
import { kubeContextList } from './kube-contexts';
import { parseLaunchArgs } from './launch-args';
import { launchRequestQueue } from './launch-requests';
import { idleWarningNotification } from './notifications';
import { confirm, deepLinkIntake, openExternal, startupRequests, trayImages } from './os-integration';
import { createProfileStore, type ProfileStore } from './profiles';
import * as security from './security';
import { desktopShell, electronLoginItems } from './shell-adapter';
import { StackSupervisor } from './stack-supervisor';
import { utilityProcessLauncher } from './stack-utility-process';
import { trayIconState } from './tray-icon';
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

function notify(title: string, body: string): void {
  log.warn({ title, body }, 'tray action failed');
  if (Notification.isSupported()) new Notification({ title, body }).show();
}

/** Local mode's stack may come back on any loopback port, so the CSP allows them all; remote is one origin. */
function backendOrigins(profiles: ProfileStore): string[] {
  const active = profiles.active();
  return active.mode === 'remote' ? [active.url] : ['http://127.0.0.1:*', 'http://localhost:*'];
}

function hardenContents(windows: () => WindowManager, externalAllowList: () => readonly string[]): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      const decision = security.classifyWindowOpen(url, rendererOrigins);
      if (decision.kind === 'viewer') windows().openSession(decision.name);
      else if (decision.kind === 'external') openExternal(decision.url, externalAllowList, log);
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
  // The window's own URL says whether it is a viewer, the only page that may have these permissions.
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    const context = { requestingUrl: details.requestingUrl, pageUrl: contents.getURL() };
    callback(security.isAllowedPermission(permission, context, rendererOrigins));
  });
  ses.setPermissionCheckHandler((contents, permission, requestingOrigin, details) => {
    const context = { requestingUrl: details.requestingUrl ?? requestingOrigin, pageUrl: contents?.getURL() };
    return security.isAllowedPermission(permission, context, rendererOrigins);
  });
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

// Before ready: a second launch or a link during start-up waits there until main() can act on it.
const links = deepLinkIntake(log);

async function main(): Promise<void> {
  await app.whenReady();
  const userData = app.getPath('userData');
  const launch = parseLaunchArgs(process.argv);

  // Until the tray state exists, a missing keychain is only remembered; then it shows there too.
  let noKeychain: () => void = () => {};
  let keychainMissing = false;
  const credentials = withFallback(keyringCredentialStore(), memoryCredentialStore(), (error) => {
    log.warn({ error: error.message }, 'system keychain unavailable; secrets last until quit');
    keychainMissing = true;
    notify('No system keychain', KEYCHAIN_UNAVAILABLE_MESSAGE);
    noKeychain();
  });
  const appSettings = await createAppSettings(jsonFile(join(userData, 'settings.json')));
  const profilesFile = jsonFile(join(userData, 'profiles.json'));
  const profiles = await createProfileStore({ read: profilesFile.read, write: profilesFile.write });
  const startupLinks = await startupRequests(
    launch,
    { profiles, notify, switchProfile: (id) => profiles.setActive(id).then(() => {}) },
    log,
  );

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
  noKeychain = () => store.set({ notice: 'No keychain: sign-ins last until you quit' });
  if (keychainMissing) noKeychain();

  const createWindow: WindowFactory = (kind, placement, title) => {
    const window = new BrowserWindow({
      ...placement,
      minWidth: 480,
      minHeight: 320,
      show: false,
      title,
      backgroundColor: '#0f172a',
      autoHideMenuBar: true,
      webPreferences: security.secureWebPreferences(paths.preload),
    });
    window.once('ready-to-show', () => window.show());
    // The title is main's (template and state); the page's <title> must not replace it.
    if (kind.kind === 'session') window.on('page-title-updated', (event) => event.preventDefault());
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
    sessionInfo: (name) => shell?.sessionInfo(name),
    onDashboardClosed: () => {
      if (shell?.dashboardCloseQuits()) app.quit();
    },
    onError: (error) => log.warn({ error: String(error) }, 'window'),
  });
  let shell: Awaited<ReturnType<typeof desktopShell>> | null = null;
  // Read on each click, once the controller exists; until it connects, the profile's URL stands in.
  const externalAllowList = () => {
    const active = profiles.active();
    return security.externalAllowList(
      controller.currentServer()?.baseUrl ?? (active.mode === 'remote' ? active.url : null),
    );
  };
  hardenContents(() => windows, externalAllowList);
  const push = createPush(() => BrowserWindow.getAllWindows().map((w) => w.webContents), log);

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
        launch: utilityProcessLauncher(),
        onOutput: (stream, line) => {
          if (stream === 'stderr') log.warn({ stack: line }, 'stack');
          else log.debug({ stack: line }, 'stack');
        },
      }),
    log,
    onProfileSwitched: () => {
      windows.closeSessions();
      windows.reloadAll();
      push('profile:changed', profileList(profiles));
    },
    appSettings,
    onProfilesChanged: (list) => push('profile:changed', list),
    onAuthChanged: (state) => (state ? push('auth:renewed', state) : push('auth:signed-out', null)),
    onServerMoved: () => windows.reloadAll(),
    onSessionLaunched: (launched) => windows.openSession(launched.name, launched.template),
    onIdleWarning: (warning) => {
      const item = idleWarningNotification(warning, store.get().templates);
      notify(item.title, item.body);
    },
    notify,
    listKubeContexts: (kubeconfig) => kubeContextList(kubeconfig, process.env),
    renewalTimers: realTimers,
    onSignInNeeded: (profile) => {
      notify(`Sign in to ${profile.name} again`, 'Your sign-in could not be renewed.');
      windows.openDashboard();
    },
  });

  registerIpc(
    ipcMain,
    { ...controller.ipcHandlers((name) => windows.openSession(name)), ...createClipboardHandlers(clipboard) },
    (frameUrl) => security.isTrustedSender(frameUrl, rendererOrigins),
    log,
  );

  const sessionActions = controller.sessionActions();
  shell = await desktopShell({
    store,
    windows,
    settings: appSettings,
    terminate: sessionActions.terminate,
    confirm,
    loginItem: {
      platform: process.platform,
      configHome: process.env.XDG_CONFIG_HOME || join(homedir(), '.config'),
      command: process.env.APPIMAGE ?? process.execPath,
      os: electronLoginItems,
    },
    addProfile: () => windows.openDashboard('settings'),
    log,
  });
  const actions: TrayActions = {
    ...sessionActions,
    ...shell.actions,
    openSession: (name) => windows.openSession(name),
    openDashboard: () => windows.openDashboard(),
    quit: () => app.quit(),
  };
  const trayImage = trayImages(log);
  let trayIcon = trayIconState(store.get().connection);
  const tray = new Tray(trayImage(trayIcon));
  tray.setToolTip('StreamSpace');
  const renderTray = (state: TrayState) => {
    if (trayIconState(state.connection) !== trayIcon) {
      trayIcon = trayIconState(state.connection);
      tray.setImage(trayImage(trayIcon));
    }
    tray.setContextMenu(Menu.buildFromTemplate(buildTrayMenu(state, actions)));
    tray.setToolTip(`StreamSpace — ${state.profile.name}: ${state.connection.replace('_', ' ')}`);
  };
  store.subscribe(renderTray);
  renderTray(store.get());
  // On macOS a click opens the menu; elsewhere a click on the icon is expected to show the app.
  if (process.platform !== 'darwin') tray.on('click', () => windows.openDashboard());

  const enqueue = launchRequestQueue(
    {
      profiles,
      store,
      switchProfile: (id) => controller.switchProfile(id),
      confirm,
      notify,
      launch: (template) => actions.launch(template),
      openSession: (name) => windows.openSession(name),
      openDashboard: () => windows.openDashboard(),
    },
    (error) => notify('Could not follow the link', toIpcError(error).message),
  );
  for (const request of startupLinks) void enqueue(request);
  links.attach((request) => void enqueue(request));
  app.on('activate', () => windows.openDashboard());
  // The tray keeps the app alive: closing the last window must not quit (nor end any session).
  app.on('window-all-closed', () => {});

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    const terminateSessions = appSettings.get().terminateSessionsOnQuit;
    // Ending sessions takes longer than stopping the stack; the supervisor's own graces stay within this.
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, terminateSessions ? 40_000 : 10_000));
    Promise.race([controller.shutdown({ terminateSessions }), deadline])
      .catch((error: unknown) => log.error({ error: String(error) }, 'shutdown'))
      .finally(() => {
        tray.destroy();
        app.quit();
      });
  });

  // A link at start opens what it names (or the dashboard to sign in) by itself.
  if (!launch.hidden && startupLinks.length === 0) windows.openDashboard();
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
