import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { RuntimeError } from '../../runtime';
import { openPortForward } from './port-forward-stream';
import type { KubeSession } from './session-objects';
import type { VncMode } from './settings';

export interface SessionStreamOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  session: KubeSession;
  pods: V1Pod[];
  mode: VncMode;
  inCluster: boolean;
  log: Logger;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** Outside the cluster only the API server can reach a pod; inside, its Service is one hop away. */
export function effectiveVncMode(mode: VncMode, inCluster: boolean): Exclude<VncMode, 'auto'> {
  if (mode !== 'auto') return mode;
  return inCluster ? 'direct' : 'port-forward';
}

export function isReadyPod(pod: V1Pod): boolean {
  return (
    !pod.metadata?.deletionTimestamp &&
    (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

function connectDirect(host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error(`no answer from ${host}:${port}`)));
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) =>
      reject(new RuntimeError('stream_failed', `cannot reach ${host}:${port}: ${error.message}`)),
    );
  });
}

/** A byte stream to the session's VNC server, opened afresh for every viewer connection. */
export async function openSessionStream(options: SessionStreamOptions): Promise<Duplex> {
  const { session, namespace, log } = options;
  if (effectiveVncMode(options.mode, options.inCluster) === 'direct') {
    return connectDirect(`${session.names.service}.${namespace}.svc`, session.vncPort);
  }
  const pod = options.pods.find(isReadyPod);
  if (!pod?.metadata?.name) {
    throw new RuntimeError('stream_failed', `session ${session.name} has no ready pod to forward to`);
  }
  const target = { namespace, pod: pod.metadata.name, port: session.vncPort };
  try {
    return await openPortForward(options.kubeConfig, target, (text) =>
      log.warn({ session: session.name, pod: target.pod, message: text }, 'port-forward error channel'),
    );
  } catch (error) {
    throw new RuntimeError('stream_failed', error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
}
