import { join } from 'node:path';

/** Where one session keeps its files under the runtime's state dir; all of it goes on stop. */
export interface SessionPaths {
  dir: string;
  stateFile: string;
  passwordFile: string;
  xauthorityFile: string;
  /** Xvnc's RFB socket: reachable only through the 0700 session dir, so only by this account. */
  vncSocket: string;
  xvncLog: string;
  appLog: string;
  wmLog: string;
  scratchHome: string;
}

/**
 * The socket's name inside the session dir. Xvnc runs in that dir and binds this relative name, so
 * a long state dir never hits the 107-byte limit of a socket address on its side.
 */
export const VNC_SOCKET = 'vnc.sock';

export function sessionsRoot(stateDir: string): string {
  return join(stateDir, 'sessions');
}

export function sessionPaths(stateDir: string, name: string): SessionPaths {
  const dir = join(sessionsRoot(stateDir), name);
  return {
    dir,
    stateFile: join(dir, 'state.json'),
    passwordFile: join(dir, 'passwd'),
    xauthorityFile: join(dir, 'Xauthority'),
    vncSocket: join(dir, VNC_SOCKET),
    xvncLog: join(dir, 'xvnc.log'),
    appLog: join(dir, 'app.log'),
    wmLog: join(dir, 'wm.log'),
    scratchHome: join(dir, 'home'),
  };
}

/** A persistent home outlives its sessions, so it sits outside every session dir. */
export function persistentHomeDir(stateDir: string, user: string): string {
  return join(stateDir, 'homes', user);
}
