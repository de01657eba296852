import { mkdir, readdir, rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import { SessionName } from '../../../protocol';
import type { FoundSession } from '../session-book';
import { sessionPaths, sessionsRoot } from './layout';
import { type LocalSession, recordedSession } from './local-session';
import { isSessionXvnc, readCmdline, statIfAlive } from './proc';
import { readStateFile } from './state-file';

/** Sessions an earlier agent recorded under `stateDir`; unreadable ones are removed on the way. */
export async function findLeftoverSessions(
  stateDir: string,
  log: Logger,
): Promise<FoundSession<LocalSession>[]> {
  const root = sessionsRoot(stateDir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const found: FoundSession<LocalSession>[] = [];
  for (const entry of await readdir(root)) {
    if (!SessionName.safeParse(entry).success) continue;
    const paths = sessionPaths(stateDir, entry);
    const read = await readStateFile(paths.stateFile);
    if (!read.ok || read.data.name !== entry) {
      log.warn(
        { session: entry, reason: read.ok ? 'name mismatch' : read.message },
        'dropping unreadable session',
      );
      await rm(paths.dir, { recursive: true, force: true });
      continue;
    }
    if (read.tcpPort !== null) {
      log.warn(
        { session: entry, port: read.tcpPort },
        'ending a session an older agent started with VNC on a loopback TCP port, which every local user can reach',
      );
    }
    found.push({
      name: entry,
      session: recordedSession(read.data, paths, read.tcpPort),
      recordedState: read.data.state,
    });
  }
  return found;
}

/**
 * Whether a recorded session's Xvnc and app still run, and the Xvnc is really the session's own.
 * One on a TCP port never is: adopting it would keep the port open to every local user.
 */
export async function isIntact(session: LocalSession): Promise<boolean> {
  const { file, paths } = session;
  if (session.tcpPort !== undefined || file.state === 'starting' || file.app === null) return false;
  const xvnc = await statIfAlive(file.xvnc);
  const argv = xvnc ? await readCmdline(file.xvnc.pid) : null;
  if (!argv || !isSessionXvnc(argv, paths.passwordFile)) return false;
  return (await statIfAlive(file.app)) !== null;
}
