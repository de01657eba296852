import type { Logger } from 'pino';
import type { FoundSession } from '../session-book';
import type { KubeApi } from './kube-api';
import { MANAGED_SELECTOR, SESSION_LABEL, sessionObjectNames } from './names';
import type { SessionView } from './pod-status';

/** What the runtime keeps per session; the cluster holds the rest. */
export interface KubeSession {
  name: string;
  names: ReturnType<typeof sessionObjectNames>;
  vncPort: number;
  /** The replicas the agent asked for last: 1 running, 0 hibernated. */
  replicas: number;
  stopping: boolean;
  /** The newest Warning event per pod, fetched once when the pod fails. */
  warnings: Map<string, { reason?: string; message?: string }>;
  /** What the backend was told last, so that only changes are sent. */
  lastView: SessionView | null;
}

const POLL_MS = 100;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The sessions an earlier agent left, from their Deployments. Services, Secrets and
 * NetworkPolicies of a session with no Deployment are what a start cut short by a crash left
 * behind; they are deleted, so nothing the agent made outlives its session.
 */
export async function findSessions(
  api: KubeApi,
  deadline: number,
  log: Logger,
): Promise<FoundSession<KubeSession>[]> {
  const deployments = await api.list('deployment', MANAGED_SELECTOR, deadline);
  const found: FoundSession<KubeSession>[] = [];
  const sessions = new Set<string>();
  for (const deployment of deployments) {
    const name = deployment.metadata?.labels?.[SESSION_LABEL];
    if (!name || deployment.metadata?.deletionTimestamp) continue;
    sessions.add(name);
    const ports = deployment.spec?.template.spec?.containers[0]?.ports ?? [];
    const vnc = ports.find((port) => port.name === 'vnc') ?? ports[0];
    const replicas = deployment.spec?.replicas ?? 1;
    found.push({
      name,
      recordedState: replicas === 0 ? 'hibernated' : 'running',
      session: {
        name,
        names: sessionObjectNames(name),
        vncPort: vnc?.containerPort ?? 5900,
        replicas,
        stopping: false,
        warnings: new Map(),
        lastView: null,
      },
    });
  }
  for (const kind of ['service', 'secret', 'networkPolicy'] as const) {
    for (const object of await api.list(kind, MANAGED_SELECTOR, deadline)) {
      const session = object.metadata?.labels?.[SESSION_LABEL];
      const objectName = object.metadata?.name;
      if (!session || !objectName || sessions.has(session)) continue;
      log.info({ session, kind, name: objectName }, 'deleting what a cut-short start left');
      await api.delete(kind, objectName, deadline);
    }
  }
  return found;
}

/**
 * Deletes the session's Deployment (foreground, so its ReplicaSet and Pods go first), Service,
 * Secret and NetworkPolicy by their names, then waits until the Deployment and its pods are gone,
 * so that "terminated" means nothing is left running.
 */
export async function removeSessionObjects(
  api: KubeApi,
  session: string,
  deadline: number,
  podsGone: () => boolean,
  log: Logger,
): Promise<void> {
  const names = sessionObjectNames(session);
  await api.delete('deployment', names.deployment, deadline);
  await api.delete('service', names.service, deadline);
  await api.delete('secret', names.secret, deadline);
  await api.delete('networkPolicy', names.networkPolicy, deadline);
  while (Date.now() < deadline) {
    if (podsGone() && (await api.read('deployment', names.deployment, deadline)) === null) return;
    await sleep(POLL_MS);
  }
  log.warn({ session }, "the session's pods were still terminating when the stop deadline passed");
}
