import { mkdirSync, mkdtempSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { statIfAlive } from '../../agent/runtimes/local/proc';
import type { GroupLeader } from '../../agent/runtimes/local/process-control';
import { loadTemplates } from '../../backend/templates/loader';
import type { Backend, BackendLookup, ExecLookup, FakeKube, KubeObject } from '../fake-kube';
import type { StoreEvent } from '../fake-kube/store';
import { isRecord } from '../fake-kube/types';
import {
  podContainers,
  type RunningDisplay,
  secretPassword,
  startDisplay,
  stopDisplay,
  templateForImage,
  vncSecretName,
} from './kube-xvnc-display';

// Backs every session pod of the fake kube with a real Xvnc on loopback, so a port-forward reaches
// real pixels behind real VncAuth. One Xvnc per pod uid: a pod scaled away and back is a new pod,
// and gets a new X server, as a new container would.

const DEFAULT_TEMPLATES = fileURLToPath(new URL('../../resources/templates', import.meta.url));

export interface KubeXvncOptions {
  templatesDir?: string;
  geometry?: string;
  /** How long Xvnc may take to answer RFB once started. */
  readyTimeoutMs?: number;
  /**
   * 'running' (default): when the fake kubelet marks the pod's container running, as a real
   * container's process would start; 'forward': only on the first port-forward to the pod.
   */
  startOn?: 'running' | 'forward';
}

export interface KubeXvnc {
  /** Pass to startFakeKube's `backend`. */
  readonly backend: BackendLookup;
  /** Pass to startFakeKube's `exec`: commands run in the pod's app's HOME. */
  readonly exec: ExecLookup;
  /** The HOME of the pod's app, as the container's home. */
  home(podUid: string): string;
  /** Every Xvnc's command line mentions this folder (its -rfbauth file lives there). */
  readonly root: string;
  /** Follows the fake's pods: starts and ends their displays. Call once, right after startFakeKube. */
  attach(fake: Pick<FakeKube, 'store' | 'get'>): void;
  /** Pids of the Xvnc servers and apps running now. */
  pids(): number[];
  /** Uids of the pods with a display now. */
  podUids(): string[];
  /** Why displays failed to start, newest last. */
  readonly failures: readonly string[];
  /** Ends every display; rejects if a process of the harness outlives it. */
  stop(): Promise<void>;
}

/** One pod's processes, filled in while its display starts. */
interface DisplayProcesses {
  readonly abort: AbortController;
  readonly leaders: GroupLeader[];
  running: RunningDisplay | undefined;
}

interface PodDisplay {
  readonly procs: DisplayProcesses;
  readonly ready: Promise<Backend>;
}

const isPod = (event: StoreEvent) => event.resource.group === '' && event.resource.plural === 'pods';

function containerRunning(pod: KubeObject): boolean {
  const status = isRecord(pod.status) ? pod.status : {};
  const statuses = Array.isArray(status.containerStatuses) ? status.containerStatuses : [];
  return statuses.some((s) => isRecord(s) && isRecord(s.state) && isRecord(s.state.running));
}

/** The container ports the pod declares; a forward to any other port finds nothing listening. */
function declaredPorts(pod: KubeObject): number[] {
  return podContainers(pod).flatMap((c) =>
    (Array.isArray(c.ports) ? c.ports : [])
      .filter(isRecord)
      .map((p) => p.containerPort)
      .filter((p): p is number => typeof p === 'number'),
  );
}

export function startKubeXvnc(options: KubeXvncOptions = {}): KubeXvnc {
  const root = mkdtempSync(join(tmpdir(), 'ss-kube-xvnc-'));
  const templates = loadTemplates([options.templatesDir ?? DEFAULT_TEMPLATES]).templates;
  const displays = new Map<string, PodDisplay>();
  /** Pods deleted or being deleted: their display never comes back, whatever asks. */
  const ended = new Set<string>();
  const stopping = new Set<Promise<boolean>>();
  const failures: string[] = [];
  let fake: Pick<FakeKube, 'store' | 'get'> | undefined;
  let unsubscribe: (() => void) | undefined;
  let stopped = false;

  async function launch(pod: KubeObject, uid: string, entry: DisplayProcesses): Promise<Backend> {
    if (fake === undefined) throw new Error('kube-xvnc: attach(fake) was not called');
    const namespace = pod.metadata.namespace ?? '';
    const secretName = vncSecretName(pod);
    if (secretName === undefined) throw new Error(`pod ${pod.metadata.name} mounts no VNC Secret`);
    const secret = fake.get('secrets', namespace, secretName);
    const password = secret === undefined ? undefined : secretPassword(secret);
    if (password === undefined) throw new Error(`Secret ${namespace}/${secretName} holds no password`);
    const image = String(podContainers(pod)[0]?.image ?? '');
    const local = templateForImage(templates, image)?.local;
    const dir = join(root, uid);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    entry.running = await startDisplay({
      dir,
      password,
      desktopName: pod.metadata.labels?.['streamspace.io/session'] ?? pod.metadata.name ?? uid,
      app: local === undefined ? undefined : { command: local.command, env: local.env },
      geometry: options.geometry ?? '1280x800',
      readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
      signal: entry.abort.signal,
      onProcess: (leader) => entry.leaders.push(leader),
    });
    return { host: '127.0.0.1', port: entry.running.port };
  }

  function release(uid: string, entry: PodDisplay): Promise<boolean> {
    entry.procs.abort.abort(new Error('the pod is gone'));
    // A start in progress ends at its next await; only then are all its processes known.
    const done = entry.ready
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => stopDisplay(entry.procs.leaders, entry.procs.running))
      .finally(() => {
        stopping.delete(done);
        void rm(join(root, uid), { recursive: true, force: true });
      });
    stopping.add(done);
    return done;
  }

  function end(uid: string): void {
    ended.add(uid);
    const entry = displays.get(uid);
    if (entry === undefined) return;
    displays.delete(uid);
    void release(uid, entry);
  }

  function ensure(pod: KubeObject): Promise<Backend> {
    const uid = pod.metadata.uid ?? '';
    const existing = displays.get(uid);
    if (existing !== undefined) return existing.ready;
    const procs: DisplayProcesses = { abort: new AbortController(), leaders: [], running: undefined };
    const ready = launch(pod, uid, procs).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!procs.abort.signal.aborted) failures.push(`${pod.metadata.name}: ${message}`);
      // Forget the failed start, so a later forward tries again (the Secret may come later).
      if (displays.get(uid) === entry) {
        displays.delete(uid);
        void release(uid, entry);
      }
      throw error;
    });
    const entry: PodDisplay = { procs, ready };
    displays.set(uid, entry);
    return ready;
  }

  function onEvent(event: StoreEvent): void {
    if (!isPod(event) || stopped) return;
    const pod = event.object;
    const uid = pod.metadata.uid ?? '';
    if (event.type === 'DELETED' || pod.metadata.deletionTimestamp !== undefined) end(uid);
    else if ((options.startOn ?? 'running') === 'running' && containerRunning(pod) && !ended.has(uid)) {
      // Nobody awaits an eager start; a failure is kept in `failures` and retried on forward.
      ensure(pod).catch(() => undefined);
    }
  }

  const backend: BackendLookup = async (pod, port) => {
    const uid = pod.metadata.uid ?? '';
    if (stopped || ended.has(uid) || pod.metadata.deletionTimestamp !== undefined) return null;
    const ports = declaredPorts(pod);
    if (ports.length > 0 && !ports.includes(port)) return null;
    return ensure(pod);
  };

  const home = (uid: string) => join(root, uid, 'home');
  const exec: ExecLookup = (pod) => {
    const uid = pod.metadata.uid ?? '';
    if (stopped || ended.has(uid)) return null;
    // The display makes the same folder when it starts; a command may come first.
    mkdirSync(home(uid), { recursive: true, mode: 0o700 });
    return { home: home(uid) };
  };

  return {
    backend,
    exec,
    home,
    root,
    failures,
    attach(target) {
      if (fake !== undefined) throw new Error('kube-xvnc: already attached');
      fake = target;
      unsubscribe = target.store.subscribe(onEvent);
    },
    pids: () => [...displays.values()].flatMap((d) => d.procs.leaders.map((l) => l.pid)),
    podUids: () => [...displays.keys()],
    async stop() {
      stopped = true;
      unsubscribe?.();
      const leaders = [...displays.values()].flatMap((d) => d.procs.leaders);
      for (const uid of [...displays.keys()]) end(uid);
      const results = await Promise.all([...stopping]);
      const alive = (await Promise.all(leaders.map((l) => statIfAlive(l)))).filter((s) => s !== null);
      await rm(root, { recursive: true, force: true });
      if (results.includes(false) || alive.length > 0) {
        throw new Error(`kube-xvnc: processes outlived stop: ${alive.map((s) => s.pid).join(', ')}`);
      }
    },
  };
}
