import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { buildAppEnv, buildXvncEnv, expandHome } from '../../agent/runtimes/local/app-command';
import { exited, readDisplayNumber, spawned } from '../../agent/runtimes/local/child-io';
import { readLogTail, withLog } from '../../agent/runtimes/local/diagnostics';
import { removeStaleDisplayFiles } from '../../agent/runtimes/local/display-files';
import { findFreePort } from '../../agent/runtimes/local/free-port';
import { recordProcess } from '../../agent/runtimes/local/local-session';
import { type GroupLeader, terminateSession } from '../../agent/runtimes/local/process-control';
import { waitForRfb } from '../../agent/runtimes/local/rfb-probe';
import { writeVncPasswordFile } from '../../agent/runtimes/local/vnc-password';
import { writeXauthority } from '../../agent/runtimes/local/xauthority';
import { buildXvncArgs, isPortInUseFailure } from '../../agent/runtimes/local/xvnc-args';
import type { TemplateFile } from '../../protocol';
import { isRecord, type KubeObject } from '../fake-kube/types';

// What a session pod's container would be, on this host: an Xvnc plus the template's app, started
// with the local runtime's own helpers so the pixels and the VncAuth are the real thing.

/** Where the kubernetes runtime mounts the session's VNC Secret in its pod. */
export const VNC_SECRET_MOUNT = '/var/run/secrets/streamspace/vnc';

const DISPLAY_FD = 3;
const PORT_ATTEMPTS = 3;

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function podSpec(pod: KubeObject): Record<string, unknown> {
  return isRecord(pod.spec) ? pod.spec : {};
}

export function podContainers(pod: KubeObject): Record<string, unknown>[] {
  return records(podSpec(pod).containers);
}

/** The Secret behind the volume mounted at VNC_SECRET_MOUNT, or else any `*-vnc` Secret volume. */
export function vncSecretName(pod: KubeObject): string | undefined {
  const secretOf = (volume: Record<string, unknown>): string | undefined => {
    const secret = isRecord(volume.secret) ? volume.secret : {};
    return typeof secret.secretName === 'string' ? secret.secretName : undefined;
  };
  const volumes = records(podSpec(pod).volumes);
  const mounted = podContainers(pod)
    .flatMap((c) => records(c.volumeMounts))
    .find((m) => m.mountPath === VNC_SECRET_MOUNT);
  const byMount = volumes.find((v) => mounted !== undefined && v.name === mounted.name);
  if (byMount !== undefined) return secretOf(byMount);
  return volumes.map(secretOf).find((name) => name?.endsWith('-vnc'));
}

/** The password a Secret holds, whether written as stringData or (as the apiserver stores it) data. */
export function secretPassword(secret: KubeObject): string | undefined {
  const data = isRecord(secret.data) ? secret.data : {};
  if (typeof data.password === 'string') return Buffer.from(data.password, 'base64').toString('utf8');
  const stringData = isRecord(secret.stringData) ? secret.stringData : {};
  return typeof stringData.password === 'string' ? stringData.password : undefined;
}

/** `ghcr.io/streamspace/xterm:0.1.0` → `ghcr.io/streamspace/xterm`. */
export function imageRepository(image: string): string {
  return image.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
}

/** The template whose image the container runs; the tag may differ from the template's. */
export function templateForImage(
  templates: readonly TemplateFile[],
  image: string,
): TemplateFile | undefined {
  const repository = imageRepository(image);
  return (
    templates.find((t) => t.kubernetes !== undefined && imageRepository(t.kubernetes.image) === repository) ??
    templates.find((t) => t.name === repository.split('/').at(-1))
  );
}

export interface DisplayInput {
  /** A fresh folder of this display's own: password file, X authority, logs, the app's HOME. */
  dir: string;
  password: string;
  desktopName: string;
  /** The template's local.command; without one only Xvnc runs. */
  app: { command: string[]; env: Record<string, string> } | undefined;
  geometry: string;
  readyTimeoutMs: number;
  signal: AbortSignal;
  /** Called as soon as a process runs, so a stop in the middle of the start still finds it. */
  onProcess(leader: GroupLeader): void;
}

export interface RunningDisplay {
  port: number;
  display: number;
  xvncPid: number;
}

/** Spawns detached (its own group, for terminateSession) with output into a log file. */
function spawnLogged(
  argv: readonly string[],
  log: string,
  options: { cwd: string; env: Record<string, string>; displayFd?: boolean },
): ChildProcess {
  const fd = openSync(log, 'a', 0o600);
  try {
    return spawn(argv[0] as string, argv.slice(1), {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: options.displayFd ? ['ignore', fd, fd, 'pipe'] : ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
}

async function startXvnc(input: DisplayInput, paths: Record<'passwd' | 'auth' | 'log', string>) {
  for (let attempt = 1; ; attempt++) {
    input.signal.throwIfAborted();
    const port = await findFreePort();
    const args = buildXvncArgs({
      displayFd: DISPLAY_FD,
      // A pod's VNC port is TCP; the fake kubelet forwards to this loopback stand-in.
      rfb: { loopbackPort: port },
      passwordFile: paths.passwd,
      xauthorityFile: paths.auth,
      desktopName: input.desktopName,
      geometry: input.geometry,
      depth: 24,
    });
    const child = spawnLogged(['Xvnc', ...args], paths.log, {
      cwd: input.dir,
      env: buildXvncEnv(process.env),
      displayFd: true,
    });
    await spawned(child);
    const leader = await recordProcess(child);
    input.onProcess(leader);
    const pipe = child.stdio[DISPLAY_FD] as Readable;
    try {
      const display = await readDisplayNumber(pipe, input.signal);
      return { port, display, xvncPid: leader.pid };
    } catch (error) {
      await exited(child, 1_000);
      const log = await readLogTail(paths.log);
      // Another process may take the probed port before Xvnc binds it; the next try gets a new one.
      if (!input.signal.aborted && isPortInUseFailure(log) && attempt < PORT_ATTEMPTS) continue;
      throw new Error(withLog(`Xvnc did not start: ${String(error)}`, log), { cause: error });
    } finally {
      pipe.destroy();
    }
  }
}

/** Starts Xvnc and the app, and resolves once the RFB port answers. */
export async function startDisplay(input: DisplayInput): Promise<RunningDisplay> {
  const home = join(input.dir, 'home');
  await mkdir(home, { recursive: true, mode: 0o700 });
  const paths = {
    passwd: join(input.dir, 'passwd'),
    auth: join(input.dir, 'Xauthority'),
    log: join(input.dir, 'xvnc.log'),
  };
  await writeVncPasswordFile(paths.passwd, input.password);
  await writeXauthority(paths.auth);
  const running = await startXvnc(input, paths);
  if (input.app !== undefined) {
    input.signal.throwIfAborted();
    const env = buildAppEnv(
      process.env,
      { display: running.display, home, xauthority: paths.auth },
      input.app.env,
    );
    const app = spawnLogged(expandHome(input.app.command, home), join(input.dir, 'app.log'), {
      cwd: home,
      env,
    });
    await spawned(app);
    input.onProcess(await recordProcess(app));
  }
  await waitForRfb(running.port, { timeoutMs: input.readyTimeoutMs, signal: input.signal });
  return running;
}

/** Ends the display's processes and their descendants; true once all are gone. */
export async function stopDisplay(
  leaders: readonly GroupLeader[],
  running: RunningDisplay | undefined,
): Promise<boolean> {
  const gone = leaders.length === 0 || (await terminateSession(leaders, 2_000));
  // A SIGKILLed X server leaves its lock file and socket behind.
  if (running !== undefined) await removeStaleDisplayFiles(running.display, running.xvncPid);
  return gone;
}
