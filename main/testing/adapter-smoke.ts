// Drives main/index.ts against fake-electron (see electron-adapter.test.ts) and prints what happened as
// JSON. Importing '../index' starts the app exactly as Electron would.
import '../index';
import { app, type FakeBrowserWindow, recorded } from './fake-electron';

type Item = Record<string, unknown> & {
  id?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: Item[];
};

function find(items: Item[], id: string): Item | undefined {
  for (const item of items) {
    if (item.id === id) return item;
    const inner = item.submenu && find(item.submenu, id);
    if (inner) return inner;
  }
  return undefined;
}

async function until(what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; tray: ${String(recorded.trayMenu[0]?.label)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const trusted = { senderFrame: { url: 'app://streamspace/index.html#/' } };
const untrusted = { senderFrame: { url: 'https://evil.example/' } };
const invoke = async (channel: string, event: object, arg?: unknown) => {
  try {
    return {
      ok: await (recorded.ipc.get(channel) as (e: object, a: unknown) => Promise<unknown>)(event, arg),
    };
  } catch (error) {
    return { error: (error as Error).message };
  }
};

const result: Record<string, unknown> = {};
try {
  await until('the launch menu', () => find(recorded.trayMenu as Item[], 'launch:firefox')?.enabled === true);
  result.privilegedBeforeReady = recorded.privilegedBeforeReady;
  result.privileged = recorded.privileged;
  result.sandboxEnabled = recorded.sandboxEnabled;
  result.ipcChannels = [...recorded.ipc.keys()].sort();
  result.tooltip = recorded.tooltip;
  result.serverGet = await invoke('server:get', trusted);
  result.authGet = await invoke('auth:get', trusted);
  result.untrustedToken = await invoke('auth:token', untrusted);
  result.badOpen = await invoke('session:open', trusted, { name: '../../etc' });

  const dashboard = recorded.windows[0] as FakeBrowserWindow;
  result.dashboard = { url: dashboard.url, webPreferences: dashboard.options.webPreferences };

  const page = await recorded.protocolHandlers.get('app')!({
    url: 'app://streamspace/index.html',
    method: 'GET',
  });
  result.page = {
    status: page.status,
    csp: page.headers.get('content-security-policy'),
    body: await page.text(),
  };
  const traversal = await recorded.protocolHandlers.get('app')!({
    url: 'app://streamspace/..%2f..%2fsecret',
    method: 'GET',
  });
  result.escapeStatus = traversal.status;

  let headers: unknown;
  recorded.headersHandler!(
    { url: 'app://streamspace/index.html', resourceType: 'mainFrame', responseHeaders: { 'X-A': ['1'] } },
    (response) => {
      headers = response;
    },
  );
  result.headers = headers;

  let prevented = false;
  dashboard.webContents.emit('will-navigate', {
    url: 'https://evil.example/',
    preventDefault: () => {
      prevented = true;
    },
  });
  result.navigationBlocked = prevented;
  result.trayImage = recorded.trayImage;
  // Documentation opens at once; any other site asks first, and the test answers Cancel.
  result.externalOpen = dashboard.webContents.windowOpenHandler!({ url: 'https://kubernetes.io/docs/' });
  dashboard.webContents.windowOpenHandler!({ url: 'https://streamspace.io/docs' });
  dashboard.webContents.windowOpenHandler!({ url: 'file:///etc/passwd' });
  await until('the question about an unknown site', () => recorded.dialogs.length === 1);
  result.externalDialog = recorded.dialogs.shift();
  result.external = recorded.external;

  find(recorded.trayMenu as Item[], 'launch:firefox')!.click!();
  await until('a session window', () => recorded.windows.some((w) => w.url.includes('#/viewer/')));
  const viewer = recorded.windows.find((w) => w.url.includes('#/viewer/'))!;
  result.viewerUrl = viewer.url;
  result.viewerTitle = viewer.options.title;
  const windowsBefore = recorded.windows.length;
  const viaOpen = dashboard.webContents.windowOpenHandler!({ url: viewer.url });
  result.reuse = { action: viaOpen.action, newWindows: recorded.windows.length - windowsBefore };
  const check = (w: FakeBrowserWindow, permission: string) =>
    recorded.permissionCheck!(w.webContents, permission, 'app://streamspace', { requestingUrl: w.url });
  result.permission = {
    viewerClipboard: check(viewer, 'clipboard-read'),
    dashboardClipboard: check(dashboard, 'clipboard-read'),
    viewerMedia: check(viewer, 'media'),
  };

  await until('the session in the tray', () =>
    (recorded.trayMenu as Item[]).some((i) => String(i.id).startsWith('session:admin-firefox')),
  );

  // Deep links from a second instance: open reuses the window without a question, launch asks (Cancel),
  // and a --server asks before adding anything (Cancel).
  const sessionName = viewer.url.slice(viewer.url.lastIndexOf('/') + 1);
  app.emit('second-instance', {}, ['streamspace', `streamspace://open/${sessionName}`]);
  app.emit('second-instance', {}, ['streamspace', 'streamspace://launch/firefox']);
  app.emit('second-instance', {}, ['streamspace', 'streamspace://launch/Bad_Name']);
  app.emit('second-instance', {}, ['streamspace', '--server', 'https://ss.example.com']);
  await until('two questions', () => recorded.dialogs.length === 2);
  await new Promise((r) => setTimeout(r, 100));
  result.links = {
    newWindows: recorded.windows.length - windowsBefore,
    dialogs: recorded.dialogs.map((d) => ({
      message: d.message,
      buttons: d.buttons,
      defaultId: d.defaultId,
    })),
    sessions: (recorded.trayMenu as Item[]).filter((i) => String(i.id).startsWith('session:')).length,
    tooltip: recorded.tooltip,
  };

  // The shell: Terminate asks first (Cancel, so the session stays), Start at Login writes the XDG
  // autostart entry, and a star puts the template first under Launch.
  const dialogsBefore = recorded.dialogs.length;
  find(recorded.trayMenu as Item[], `session:${sessionName}:terminate`)!.click!();
  await until('the terminate question', () => recorded.dialogs.length === dialogsBefore + 1);
  find(recorded.trayMenu as Item[], 'start-at-login')!.click!();
  await until('start at login', () => find(recorded.trayMenu as Item[], 'start-at-login')?.checked === true);
  find(recorded.trayMenu as Item[], 'favourite-toggle:firefox')!.click!();
  await until('the favourite', () => find(recorded.trayMenu as Item[], 'favourite:firefox') !== undefined);
  result.shell = {
    terminateQuestion: recorded.dialogs.at(-1)?.message,
    sessionKept: find(recorded.trayMenu as Item[], `session:${sessionName}`) !== undefined,
    launchFirst: find(recorded.trayMenu as Item[], 'launch')?.submenu?.[0]?.id,
  };

  // The Settings page's calls, and the tray's Add Server leading to that page.
  result.appSettings = await invoke('app-settings:set', trusted, { closeDashboard: 'keep-running' });
  result.profilesList = await invoke('profiles:list', trusted);
  find(recorded.trayMenu as Item[], 'profile:add')!.click!();
  await until('the settings page', () => dashboard.url.endsWith('#/settings'));
  result.addServerUrl = dashboard.url;
  result.pushes = recorded.pushes.map((p) => p.channel);

  viewer.close();
  // Electron quits on the last closed window unless someone listens for this.
  result.keepsRunningWithoutWindows = app.listenerCount('window-all-closed') > 0;

  app.quit();
  await until('quit', () => recorded.quitted);
  result.quitted = true;
} catch (error) {
  result.failure = error instanceof Error ? error.stack : String(error);
}
process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
process.exit(0);
