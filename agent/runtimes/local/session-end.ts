import { rm } from 'node:fs/promises';
import { RuntimeError } from '../../runtime';
import { exited } from './child-io';
import { describeExit, readLogTail, withLog } from './diagnostics';
import { removeStaleDisplayFiles } from './display-files';
import { type LocalSession, PART_LABEL, sessionLeaders } from './local-session';
import { statIfAlive } from './proc';
import { terminateSession } from './process-control';

/**
 * Which part ended the session. An app dies with its X server (some with code 0); then the X
 * server is the cause worth reporting. The app can notice first, while the dying X server has
 * closed its sockets but is not yet a zombie, so give it a moment to be seen exiting.
 */
export async function culprit(session: LocalSession, noticed: 'xvnc' | 'app'): Promise<'xvnc' | 'app'> {
  const xvnc = session.children.xvnc;
  if (noticed !== 'xvnc' && xvnc) await exited(xvnc, 300);
  const part = (await statIfAlive(session.file.xvnc)) === null ? 'xvnc' : noticed;
  const child = session.children[part];
  if (child && !session.exits[part]) await exited(child, 500);
  return part;
}

/** Why a session failed, as its user reads it: the part's exit and the log lines that explain it. */
export async function failureOf(
  session: LocalSession,
  part: 'xvnc' | 'app',
): Promise<{ reason: string; message: string }> {
  const exit = session.exits[part];
  const reason = `${PART_LABEL[part]} ${exit ? describeExit(exit.code, exit.signal) : 'is gone'}`;
  const logPath = part === 'xvnc' ? session.paths.xvncLog : session.paths.appLog;
  return { reason, message: withLog(reason, await readLogTail(logPath)) };
}

/** Kills every process of the session, waits until they are gone, and removes its files. */
export async function removeSession(session: LocalSession, graceMs: number): Promise<void> {
  session.stopping = true;
  session.keysyms?.stop();
  const gone = await terminateSession(sessionLeaders(session), graceMs);
  if (!gone) {
    throw new RuntimeError('stop_failed', `processes of ${session.file.name} survived SIGKILL`);
  }
  if (session.file.display !== null) {
    await removeStaleDisplayFiles(session.file.display, session.file.xvnc.pid).catch(() => {});
  }
  await rm(session.paths.dir, { recursive: true, force: true });
}
