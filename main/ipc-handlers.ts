import type { KubeContextList, LocalStackSettings } from '../protocol';
import type { ClipboardChannel } from './clipboard-handlers';
import type { Connection } from './connection';
import { createDesktopHandlers, type DesktopControls } from './desktop-handlers';
import type { IpcHandlers } from './ipc';

/** What the settings calls need: the stored settings, and the contexts to offer. */
export interface LocalStackControls {
  settings(): LocalStackSettings;
  save(settings: LocalStackSettings): Promise<LocalStackSettings>;
  kubeContexts(kubeconfig: string | undefined): KubeContextList;
}

const same = (a: LocalStackSettings, b: LocalStackSettings) => JSON.stringify(a) === JSON.stringify(b);

/** The renderer's IPC calls: the server, the sign-in and its tokens, session windows, settings. */
export function createIpcHandlers(
  connection: Connection,
  openSession: (name: string) => void,
  localStack: LocalStackControls,
  desktop: DesktopControls,
  // The clipboard's handlers are Electron's own (main/clipboard-handlers.ts), added where it is at hand.
): Omit<IpcHandlers, ClipboardChannel> {
  const auth = () => connection.link()?.auth;
  return {
    'server:get': () => connection.waitForServer(),
    'auth:get': async () => {
      await connection.waitForServer();
      return (await auth()?.ensure()) ?? null;
    },
    'auth:login': async (request) => {
      await connection.waitForServer();
      // The sign-in's change starts the tray feed.
      return connection.requireAuth().login(request);
    },
    'auth:logout': async () => {
      await auth()?.logout();
    },
    'auth:token': async () => {
      await connection.waitForServer();
      return (await auth()?.accessToken()) ?? null;
    },
    'auth:refresh': async () => {
      await connection.waitForServer();
      const current = auth();
      current?.invalidate();
      return (await current?.accessToken()) ?? null;
    },
    'session:open': ({ name }) => {
      openSession(name);
    },
    'local-stack:get-settings': () => localStack.settings(),
    'local-stack:set-settings': async (settings) => {
      const before = localStack.settings();
      const saved = await localStack.save(settings);
      // Restarting ends the in-process agent's connection: only for a real change.
      if (!same(before, saved)) await connection.restartLocalStack();
      return saved;
    },
    'local-stack:kube-contexts': ({ kubeconfig }) =>
      localStack.kubeContexts(kubeconfig ?? localStack.settings().kubeconfig),
    ...createDesktopHandlers(desktop),
  };
}
