import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { SessionSpec } from '../../../protocol';
import { type AppEnvInput, appArgv, buildAppEnv, buildXvncEnv } from './app-command';
import { exited, readDisplayNumber, spawned } from './child-io';
import { readLogTail, withLog } from './diagnostics';
import { startKeysymJanitor } from './keysym-janitor';
import { type SessionPaths, VNC_SOCKET } from './layout';
import {
  type LocalSession,
  type Part,
  recordProcess,
  saveSessionState,
  startingSession,
} from './local-session';
import { waitForRfb } from './rfb-probe';
import { writeStateFile } from './state-file';
import { writeTemplateFiles } from './template-files';
import { writeVncPasswordFile } from './vnc-password';
import { wantsWindowManager, windowManagerArgv } from './window-manager';
import { writeXauthority } from './xauthority';
import { buildXvncArgs } from './xvnc-args';

/** How Xvnc and the app are run; the parts of LocalRuntimeOptions a launch reads. */
export interface LaunchSettings {
  xvncPath?: string;
  vncpasswdPath?: string;
  geometry?: string;
  depth?: number;
  env?: Readonly<Record<string, string | undefined>>;
  /** The window manager run for single-app sessions; matchbox-window-manager from PATH by default. */
  windowManagerPath?: string;
  /** Whether apps run as root, which adds templates' rootArgs; this process's uid is 0 by default. */
  runsAsRoot?: boolean;
}

/** What a launch needs from the runtime that owns the session. */
export interface LaunchHost {
  readonly settings: LaunchSettings;
  readonly log: Logger;
  /** The session exists from the moment Xvnc runs: enter it into the table. */
  register(session: LocalSession): void;
  /** Start watching a part's exit. */
  watchExit(session: LocalSession, part: Part): void;
}

const DISPLAY_FD = 3;

/**
 * Prepares the session's folder, starts Xvnc and the template's command on its display, and waits
 * until the RFB socket answers; the session is 'running' (and recorded so) when this resolves.
 * Throws when `startAbort` fires or anything fails; cleaning up is the caller's.
 */
export async function launchSession(
  host: LaunchHost,
  spec: SessionSpec,
  paths: SessionPaths,
  home: string,
  startAbort: AbortController,
  timeoutMs: number,
): Promise<LocalSession> {
  const local = spec.local!;
  await rm(paths.dir, { recursive: true, force: true });
  await prepareSessionDir(host.settings, spec, paths, home);
  startAbort.signal.throwIfAborted();
  const xvnc = await spawnXvnc(host, spec, paths, home, startAbort);
  const session = xvnc.session;
  startAbort.signal.throwIfAborted();

  const display = { display: xvnc.display, home, xauthority: paths.xauthorityFile };
  if (wantsWindowManager(local)) await startWindowManager(host, session, display);
  startAbort.signal.throwIfAborted();
  if (local.files) await writeTemplateFiles(home, local.files);

  const argv = appArgv(local, home, host.settings.runsAsRoot ?? process.getuid?.() === 0);
  const env = buildAppEnv(host.settings.env ?? process.env, display, local.env);
  const app = spawnLogged(argv, paths.appLog, { cwd: home, env });
  session.children.app = app;
  host.watchExit(session, 'app');
  await spawned(app).catch((error: Error) => {
    throw new Error(`cannot run ${argv[0]}: ${error.message}`);
  });
  session.file.app = await recordProcess(app);
  await writeStateFile(paths.stateFile, session.file);

  await waitForRfb({ path: paths.vncSocket }, { timeoutMs, signal: startAbort.signal });
  startAbort.signal.throwIfAborted();
  await saveSessionState(session, 'running');
  followKeysyms(host, session);
  host.log.info({ session: spec.name, display: xvnc.display }, 'session running');
  return session;
}

/** Starts freeing the keycodes the session's Xvnc binds for typed characters; once per session. */
export function followKeysyms(host: Pick<LaunchHost, 'settings' | 'log'>, session: LocalSession): void {
  if (session.keysyms || session.file.display === null) return;
  session.keysyms = startKeysymJanitor({
    xvncLog: session.paths.xvncLog,
    display: session.file.display,
    xauthority: session.paths.xauthorityFile,
    env: buildXvncEnv(host.settings.env ?? process.env),
    log: host.log.child({ session: session.file.name }),
  });
}

/**
 * Starts the window manager on the display, before the app (matchbox also takes over windows
 * mapped before it). Without one the session still works, its app at its own size: a warning,
 * not a failed start.
 */
async function startWindowManager(
  host: LaunchHost,
  session: LocalSession,
  display: AppEnvInput,
): Promise<void> {
  const argv = windowManagerArgv(host.settings.windowManagerPath);
  const env = buildAppEnv(host.settings.env ?? process.env, display, {});
  const wm = spawnLogged(argv, session.paths.wmLog, { cwd: display.home, env });
  try {
    await spawned(wm);
  } catch (error) {
    host.log.warn(
      { session: session.file.name, windowManager: argv[0], reason: (error as Error).message },
      'no window manager: the app keeps its own size instead of following the display; install matchbox-window-manager',
    );
    return;
  }
  session.children.wm = wm;
  host.watchExit(session, 'wm');
  try {
    session.file.wm = await recordProcess(wm);
  } catch (error) {
    // It died at once; its exit is logged, and the app runs without it.
    host.log.warn(
      { session: session.file.name, reason: (error as Error).message },
      'window manager did not stay up',
    );
    return;
  }
  await writeStateFile(session.paths.stateFile, session.file);
}

/** The session's 0700 folder (and home, when given) with its VNC password file and X authority. */
async function prepareSessionDir(
  settings: LaunchSettings,
  spec: SessionSpec,
  paths: SessionPaths,
  home: string,
): Promise<void> {
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await mkdir(home, { recursive: true, mode: 0o700 });
  await writeVncPasswordFile(paths.passwordFile, spec.vncPassword, {
    vncpasswdPath: settings.vncpasswdPath,
    env: buildXvncEnv(settings.env ?? process.env),
  });
  await writeXauthority(paths.xauthorityFile);
}

/** Starts Xvnc and waits for the display number it picked. */
async function spawnXvnc(
  host: LaunchHost,
  spec: SessionSpec,
  paths: SessionPaths,
  home: string,
  startAbort: AbortController,
): Promise<{ session: LocalSession; display: number }> {
  const { settings } = host;
  const args = buildXvncArgs({
    displayFd: DISPLAY_FD,
    // Relative to the session dir Xvnc runs in, so the socket address stays short.
    rfb: { unixSocket: VNC_SOCKET },
    passwordFile: paths.passwordFile,
    xauthorityFile: paths.xauthorityFile,
    desktopName: spec.name,
    geometry: settings.geometry ?? '1280x800',
    depth: settings.depth ?? 24,
  });
  const child = spawnLogged([settings.xvncPath ?? 'Xvnc', ...args], paths.xvncLog, {
    cwd: paths.dir,
    env: buildXvncEnv(settings.env ?? process.env),
    displayFd: true,
  });
  await spawned(child).catch((error: Error) => {
    throw new Error(`cannot run Xvnc: ${error.message}`);
  });
  const xvnc = await recordProcess(child);
  const session = startingSession(spec, paths, { xvnc, child, home, abort: startAbort });
  host.register(session);
  // Recorded before waiting, so an agent killed mid-start leaves enough behind to clean up.
  await writeStateFile(paths.stateFile, session.file);
  host.watchExit(session, 'xvnc');
  const displayPipe = child.stdio[DISPLAY_FD] as Readable;
  try {
    const display = await readDisplayNumber(displayPipe, startAbort.signal);
    session.file.display = display;
    await writeStateFile(paths.stateFile, session.file);
    return { session, display };
  } catch (error) {
    await exited(child, 1_000);
    const log = await readLogTail(paths.xvncLog);
    throw new Error(withLog(error instanceof Error ? error.message : String(error), log), {
      cause: error,
    });
  } finally {
    displayPipe.destroy();
  }
}

/** Spawns detached (its own process group, outliving the agent) with output into a 0600 log. */
function spawnLogged(
  argv: readonly string[],
  logPath: string,
  options: { cwd: string; env: Record<string, string>; displayFd?: boolean },
): ChildProcess {
  // Synchronous on purpose: no await between spawn and the caller's listeners, so no event is missed.
  const log = openSync(logPath, 'a', 0o600);
  try {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: options.displayFd ? ['ignore', log, log, 'pipe'] : ['ignore', log, log],
    });
    child.unref();
    return child;
  } finally {
    closeSync(log);
  }
}
