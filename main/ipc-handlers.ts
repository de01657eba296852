import type { Connection } from './connection';
import type { IpcHandlers } from './ipc';

/** The renderer's IPC calls: the server, the sign-in and its tokens, and session windows. */
export function createIpcHandlers(connection: Connection, openSession: (name: string) => void): IpcHandlers {
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
  };
}
