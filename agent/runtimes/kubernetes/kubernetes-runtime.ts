import type { Duplex } from 'node:stream';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { type ObservedState, SessionName, SessionSpec } from '../../../protocol';
import { type Runtime, RuntimeError, type RuntimeSession, type RuntimeStatusListener } from '../../runtime';
import { SessionBook } from '../session-book';
import { KubeApi } from './kube-api';
import { DEFAULT_RETRY, type RetryPolicy } from './kube-call';
import { buildSessionObjects } from './manifests';
import { MANAGED_SELECTOR, SESSION_LABEL, sessionObjectNames } from './names';
import { kubeExec } from './pod-exec';
import { podFiles } from './pod-files';
import { describeSession, pickWarning, type SessionView } from './pod-status';
import { PodWatch } from './pod-watch';
import { findSessions, type KubeSession, removeSessionObjects } from './session-objects';
import { openSessionStream } from './session-stream';
import type { KubernetesSettings } from './settings';
import { ViewWaiters } from './view-waiters';

export interface KubernetesTiming {
  /** From the start command to a Ready pod, image pull included. */
  startTimeoutMs: number;
  /** Stop, hibernate and wake. */
  operationTimeoutMs: number;
  /** How often the Deployments are listed, to notice ones deleted behind the agent's back. */
  resyncIntervalMs: number;
  retry: RetryPolicy;
}

export const DEFAULT_TIMING: KubernetesTiming = {
  startTimeoutMs: 180_000,
  operationTimeoutMs: 60_000,
  resyncIntervalMs: 30_000,
  retry: DEFAULT_RETRY,
};

export interface KubernetesRuntimeOptions {
  kubeConfig: KubeConfig;
  settings: KubernetesSettings;
  /** Whether the agent runs in a pod of this cluster: decides what vncMode 'auto' means. */
  inCluster: boolean;
  logger: Logger;
  timing?: Partial<KubernetesTiming>;
}

const isSettled = (view: SessionView) => view.state !== 'starting';

/**
 * Sessions as Deployments (one replica), each with a Service, a Secret holding its VNC password, a
 * NetworkPolicy, and a per-user home claim when asked. What the pods do comes from one watch on
 * the agent's label, so a status is a lookup, not an API call.
 */
export class KubernetesRuntime implements Runtime {
  readonly name = 'kubernetes' as const;
  private readonly book: SessionBook<KubeSession>;
  private readonly api: KubeApi;
  private readonly watch: PodWatch;
  private readonly waiters = new ViewWaiters();
  private readonly log: Logger;
  private readonly timing: KubernetesTiming;
  private readonly namespace: string;
  private resync: NodeJS.Timeout | null = null;
  readonly files: NonNullable<Runtime['files']>;

  constructor(private readonly options: KubernetesRuntimeOptions) {
    this.log = options.logger.child({ runtime: 'kubernetes', namespace: options.settings.namespace });
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.namespace = options.settings.namespace;
    this.api = new KubeApi(options.kubeConfig, this.namespace, {
      retry: this.timing.retry,
      onRetry: (error, attempt, delayMs) =>
        this.log.warn({ reason: error.message, attempt, delayMs }, 'Kubernetes API call failed; retrying'),
    });
    this.watch = new PodWatch({
      kubeConfig: options.kubeConfig,
      namespace: this.namespace,
      labelSelector: MANAGED_SELECTOR,
      list: () => this.api.listPods(MANAGED_SELECTOR, Date.now() + this.timing.operationTimeoutMs),
      onPod: (pod) => this.podChanged(pod),
      onGone: (pod) => this.podChanged(pod),
      logger: this.log,
    });
    this.files = podFiles({
      exec: kubeExec(options.kubeConfig),
      namespace: this.namespace,
      runningPods: async (name) => this.podsOf((await this.running(name)).name),
    });
    this.book = new SessionBook<KubeSession>({
      logger: this.log,
      pollIntervalMs: this.timing.resyncIntervalMs,
      closedMessage: 'the kubernetes runtime is closed',
      observe: async (session) => this.view(session).state,
      find: () => this.adopt(),
      isIntact: async () => true,
      discard: (session) => this.remove(session.name, Date.now() + this.timing.operationTimeoutMs),
      isSettling: (session) => session.stopping,
    });
  }

  onStatus(listener: RuntimeStatusListener): () => void {
    return this.book.onStatus(listener);
  }

  async start(spec: SessionSpec): Promise<ObservedState> {
    const parsed = SessionSpec.safeParse(spec);
    if (!parsed.success)
      throw new RuntimeError('invalid_request', `invalid session spec: ${parsed.error.message}`);
    if (!parsed.data.kubernetes) {
      throw new RuntimeError('unsupported', `template ${spec.template} has no kubernetes section`);
    }
    await this.book.ready();
    return this.book.withLock(spec.name, async () => {
      const existing = this.book.get(spec.name);
      if (existing && this.view(existing).state !== 'starting') return this.view(existing).state;
      return this.launch(parsed.data);
    });
  }

  async stop(name: string): Promise<ObservedState> {
    this.checkName(name);
    await this.book.ready();
    const starting = this.book.cancelStart(name);
    return this.book.withLock(name, async (): Promise<ObservedState> => {
      const session = this.book.get(name);
      if (session) session.stopping = true;
      try {
        // By name, not by record: a start cut short by a crash leaves objects no record knows.
        await this.remove(name, Date.now() + this.timing.operationTimeoutMs);
      } catch (error) {
        if (session) session.stopping = false;
        throw new RuntimeError('stop_failed', errorMessage(error), { cause: error });
      }
      if (session) this.book.remove(name, session);
      this.book.emit(name, 'terminated', starting ? 'stopped while starting' : 'stopped');
      return 'terminated';
    });
  }

  hibernate(name: string): Promise<ObservedState> {
    return this.scaleTo(name, 0);
  }

  wake(name: string): Promise<ObservedState> {
    return this.scaleTo(name, 1);
  }

  async status(name: string): Promise<ObservedState | null> {
    this.checkName(name);
    return this.book.status(name);
  }

  list(): Promise<RuntimeSession[]> {
    return this.book.list();
  }

  async openStream(name: string): Promise<Duplex> {
    const session = await this.running(name);
    return openSessionStream({
      kubeConfig: this.options.kubeConfig,
      namespace: this.namespace,
      session,
      pods: this.podsOf(name),
      mode: this.options.settings.vncMode,
      inCluster: this.options.inCluster,
      log: this.log,
    });
  }

  async close(): Promise<void> {
    if (this.resync) clearInterval(this.resync);
    this.watch.stop();
    this.waiters.close(new RuntimeError('internal', 'the kubernetes runtime is closed'));
    await this.book.close();
  }

  private async launch(spec: SessionSpec): Promise<ObservedState> {
    const abort = new AbortController();
    const attempt = this.book.beginStart(spec.name, abort);
    const deadline = Date.now() + this.timing.startTimeoutMs;
    const objects = buildSessionObjects(spec, this.options.settings);
    const names = sessionObjectNames(spec.name);
    try {
      if (objects.homeClaim) await this.api.ensure('claim', objects.homeClaim, deadline);
      // The Deployment last: its pod mounts the Secret, and a Deployment is what marks a session
      // as existing when an agent restarts.
      await this.api.ensure('secret', objects.secret, deadline);
      await this.api.ensure('service', objects.service, deadline);
      await this.api.ensure('networkPolicy', objects.networkPolicy, deadline);
      const { created } = await this.api.ensure('deployment', objects.deployment, deadline);
      if (!created) this.log.info({ session: spec.name }, 'deployment already there; carrying on with it');
      const session: KubeSession = {
        name: spec.name,
        names,
        vncPort: spec.kubernetes?.vncPort ?? 5900,
        replicas: 1,
        stopping: false,
        warnings: new Map(),
        lastView: null,
      };
      this.book.set(spec.name, session);
      this.refresh(session);
      const view = await this.waiters.wait(spec.name, this.view(session), isSettled, {
        deadline,
        signal: abort.signal,
        timeoutMessage: (last) =>
          `the session was not ready within ${Math.round(this.timing.startTimeoutMs / 1000)} s (${last.message})`,
      });
      if (view.state === 'failed') {
        // The event usually says more than the container status ("manifest unknown", quota...).
        await this.fetchWarning(session);
        throw new RuntimeError('start_failed', this.view(session).message);
      }
      return view.state;
    } catch (error) {
      if (attempt.stopRequested) return 'terminated';
      // An agent shutting down leaves the session to its successor, which adopts it.
      if (this.book.closed)
        throw new RuntimeError('internal', 'the kubernetes runtime closed while starting');
      // A failed start holds no cluster resources: ImagePullBackOff would otherwise retry forever.
      await this.remove(spec.name, Date.now() + this.timing.operationTimeoutMs).catch((cleanup: unknown) =>
        this.log.error({ err: cleanup, session: spec.name }, 'cleaning up a failed start failed'),
      );
      const session = this.book.get(spec.name);
      if (session) this.book.remove(spec.name, session);
      throw error instanceof RuntimeError
        ? error
        : new RuntimeError('start_failed', errorMessage(error), { cause: error });
    } finally {
      this.book.endStart(spec.name, attempt);
    }
  }

  private async scaleTo(name: string, replicas: 0 | 1): Promise<ObservedState> {
    this.checkName(name);
    await this.book.ready();
    return this.book.withLock(name, async () => {
      const session = this.book.get(name);
      if (!session) throw new RuntimeError('not_found', `no session ${name} on this agent`);
      const deadline = Date.now() + this.timing.operationTimeoutMs;
      await this.api.scale(session.names.deployment, replicas, deadline);
      session.replicas = replicas;
      this.refresh(session);
      const target: ObservedState = replicas === 0 ? 'hibernated' : 'running';
      // Hibernated means no pod is left, not just that none is wanted.
      const reached = (v: SessionView) =>
        v.state === 'failed' || (v.state === target && (replicas === 1 || this.podsOf(name).length === 0));
      const view = await this.waiters.wait(name, this.view(session), reached, {
        deadline,
        timeoutMessage: (last) => `the session did not become ${target} in time (${last.message})`,
      });
      if (view.state === 'failed') throw new RuntimeError('start_failed', view.message);
      return view.state;
    });
  }

  /** Everything a session made except the home claim, which outlives it. */
  private remove(name: string, deadline: number): Promise<void> {
    return removeSessionObjects(this.api, name, deadline, () => this.podsOf(name).length === 0, this.log);
  }

  private async adopt() {
    await this.watch.start();
    const found = await findSessions(this.api, Date.now() + this.timing.operationTimeoutMs, this.log);
    this.resync = setInterval(() => void this.resyncDeployments(), this.timing.resyncIntervalMs);
    this.resync.unref();
    return found;
  }

  /** Sessions whose Deployment someone else deleted are over; tell the backend. */
  private async resyncDeployments(): Promise<void> {
    try {
      const deadline = Date.now() + this.timing.operationTimeoutMs;
      const present = new Set(
        (await this.api.list('deployment', MANAGED_SELECTOR, deadline)).map((d) => d.metadata?.name ?? ''),
      );
      for (const session of this.book.all()) {
        if (present.has(session.names.deployment) || session.stopping || this.book.startAttempt(session.name))
          continue;
        this.book.remove(session.name, session);
        this.book.emit(session.name, 'terminated', 'its Deployment was deleted outside StreamSpace');
      }
    } catch (error) {
      this.log.warn({ err: error }, 'listing deployments failed');
    }
  }

  private podsOf(name: string): V1Pod[] {
    return this.watch.all().filter((pod) => pod.metadata?.labels?.[SESSION_LABEL] === name);
  }

  private view(session: KubeSession): SessionView {
    const pods = this.podsOf(session.name);
    const warning = [...session.warnings.values()].at(-1);
    return describeSession({ desiredReplicas: session.replicas, pods, ...(warning ? { warning } : {}) });
  }

  private podChanged(pod: V1Pod): void {
    const name = pod.metadata?.labels?.[SESSION_LABEL];
    const session = name === undefined ? undefined : this.book.get(name);
    if (session) this.refresh(session);
  }

  /** Tells the waiters and the backend what changed, and fetches the event behind a failure. */
  private refresh(session: KubeSession): void {
    const view = this.view(session);
    this.waiters.offer(session.name, view);
    const last = session.lastView;
    if (last && last.state === view.state && last.message === view.message) return;
    session.lastView = view;
    if (!session.stopping) this.book.emit(session.name, view.state, view.message);
    if (view.state === 'failed') void this.fetchWarning(session);
  }

  private async fetchWarning(session: KubeSession): Promise<void> {
    for (const pod of this.podsOf(session.name)) {
      const podName = pod.metadata?.name ?? '';
      if (session.warnings.has(podName)) continue;
      try {
        const warning = pickWarning(await this.api.podEvents(podName, Date.now() + 10_000));
        if (!warning) continue;
        session.warnings.set(podName, warning);
        this.refresh(session);
      } catch (error) {
        this.log.debug({ err: error, pod: podName }, 'reading pod events failed');
      }
    }
  }

  private async running(name: string): Promise<KubeSession> {
    this.checkName(name);
    await this.book.ready();
    const session = this.book.get(name);
    if (!session) throw new RuntimeError('not_found', `no session ${name} on this agent`);
    const view = this.view(session);
    if (view.state !== 'running') {
      throw new RuntimeError('invalid_state', `session ${name} is ${view.state}: ${view.message}`);
    }
    return session;
  }

  private checkName(name: string): void {
    if (!SessionName.safeParse(name).success) {
      throw new RuntimeError('invalid_request', 'session names are lowercase letters, digits and dashes');
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
