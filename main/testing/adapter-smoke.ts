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
  result.externalOpen = dashboard.webContents.windowOpenHandler!({ url: 'https://streamspace.io/docs' });
  result.external = recorded.external;
  result.permission = {
    clipboard: recorded.permissionCheck!(null, 'clipboard-read', 'app://streamspace', {}),
    media: recorded.permissionCheck!(null, 'media', 'app://streamspace', {}),
  };

  find(recorded.trayMenu as Item[], 'launch:firefox')!.click!();
  await until('a session window', () => recorded.windows.some((w) => w.url.includes('#/viewer/')));
  const viewer = recorded.windows.find((w) => w.url.includes('#/viewer/'))!;
  result.viewerUrl = viewer.url;
  result.viewerTitle = viewer.options.title;
  const windowsBefore = recorded.windows.length;
  const viaOpen = dashboard.webContents.windowOpenHandler!({ url: viewer.url });
  result.reuse = { action: viaOpen.action, newWindows: recorded.windows.length - windowsBefore };
  await until('the session in the tray', () =>
    (recorded.trayMenu as Item[]).some((i) => String(i.id).startsWith('session:admin-firefox')),
  );

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
