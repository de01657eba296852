import type { ChildProcess } from 'node:child_process';
import type { SessionSpec } from '../../../protocol';
import type { SessionPaths } from './layout';
import { readProcStat } from './proc';
import type { GroupLeader } from './process-control';
import { type LocalSessionFile, type RecordedProcess, writeStateFile } from './state-file';

export type Part = 'xvnc' | 'app' | 'wm';
export const PART_LABEL: Record<Part, string> = { xvnc: 'Xvnc', app: 'the app', wm: 'the window manager' };

/** How a child exited, as its exit event told. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The app quit by itself with code 0: the user closed it, which ends the session, not a failure. */
export function isCleanExit(exit: ExitStatus | undefined): boolean {
  return exit !== undefined && exit.code === 0 && exit.signal === null;
}

/** What the local runtime keeps per session: its state file, folder, and, if ours, its children. */
export interface LocalSession {
  file: LocalSessionFile;
  readonly paths: SessionPaths;
  /** Set while we tear the session down, so its processes' exits are expected, not failures. */
  stopping: boolean;
  /** Aborts a start in progress: a process died, the start timed out, or stop was called. */
  readonly startAbort: AbortController;
  /** Only for sessions this agent started; adopted ones are not our children. */
  readonly children: Partial<Record<Part, ChildProcess>>;
  /** How each part exited, as the exit event told. */
  readonly exits: Partial<Record<Part, ExitStatus>>;
  /** Set when an older agent started it with Xvnc on this loopback TCP port: it is ended, not adopted. */
  readonly tcpPort?: number;
  /** Frees the keycodes Xvnc binds for typed characters (keysym-janitor.ts), while it runs. */
  keysyms?: { stop(): void };
}

/** A session this agent is starting: Xvnc runs, nothing else is known yet. */
export function startingSession(
  spec: SessionSpec,
  paths: SessionPaths,
  start: { xvnc: RecordedProcess; child: ChildProcess; home: string; abort: AbortController },
): LocalSession {
  return {
    file: {
      version: 2,
      name: spec.name,
      user: spec.user,
      template: spec.template,
      state: 'starting',
      display: null,
      xvnc: start.xvnc,
      app: null,
      home: start.home,
      persistentHome: spec.persistentHome,
      createdAt: new Date().toISOString(),
    },
    paths,
    stopping: false,
    startAbort: start.abort,
    children: { xvnc: start.child },
    exits: {},
  };
}

/** A session an earlier agent left, as its state file tells; none of its processes are our children. */
export function recordedSession(
  file: LocalSessionFile,
  paths: SessionPaths,
  tcpPort: number | null = null,
): LocalSession {
  return {
    file,
    paths,
    stopping: false,
    startAbort: new AbortController(),
    children: {},
    exits: {},
    ...(tcpPort === null ? {} : { tcpPort }),
  };
}

/** The process groups the session consists of. */
export function sessionLeaders(session: LocalSession): GroupLeader[] {
  const leaders: RecordedProcess[] = [session.file.xvnc];
  if (session.file.app) leaders.push(session.file.app);
  if (session.file.wm) leaders.push(session.file.wm);
  return leaders;
}

export async function saveSessionState(
  session: LocalSession,
  state: LocalSessionFile['state'],
): Promise<void> {
  session.file = { ...session.file, state };
  await writeStateFile(session.paths.stateFile, session.file);
}

/** Pid and start time of a child just spawned, so a later agent can tell it from a reused pid. */
export async function recordProcess(child: ChildProcess): Promise<RecordedProcess> {
  const pid = child.pid;
  if (pid === undefined) throw new Error('process has no pid');
  const stat = await readProcStat(pid);
  if (stat === null) throw new Error(`process ${pid} vanished at once`);
  return { pid, pgid: pid, startTime: stat.startTime };
}
