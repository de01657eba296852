import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Controllers } from './controller.js';
import { ResourceApi } from './crud.js';
import { checkExecTarget, type ExecLookup, PodExecutor, parseExecQuery } from './exec.js';
import { type FailOptions, Faults, type ForbidRule } from './faults.js';
import { Kubelet, type KubeletOptions } from './kubelet.js';
import {
  type BackendLookup,
  checkPortForwardTarget,
  PortForwarder,
  parsePorts,
  rejectUpgrade,
} from './port-forward.js';
import { resourceType } from './resources.js';
import { bearerToken, handleRequest, parseRoute, type RequestLogEntry } from './router.js';
import { KubeError, unauthorized } from './status.js';
import { ObjectStore } from './store.js';
import { Timers } from './timers.js';
import type { KubeObject } from './types.js';
import { WatchHub } from './watch.js';

// A plain-HTTP kube-apiserver stand-in on 127.0.0.1:<random>, with controller and kubelet loops,
// for driving the agent's kubernetes runtime through the real @kubernetes/client-node.

export interface FakeKubeOptions {
  /** Bearer token → user name. Default: one token, `fake-kube-token`, for user `streamspace-agent`. */
  tokens?: Record<string, string>;
  kubelet?: KubeletOptions;
  /** The container port's stand-in for port-forward; none means every forward is refused. */
  backend?: BackendLookup;
  /** Where pods/exec runs a container's commands; none means no container is running. */
  exec?: ExecLookup;
  /** BOOKMARK cadence for watches with allowWatchBookmarks=true (real servers: about a minute). */
  bookmarkIntervalMs?: number;
  historyLimit?: number;
  startResourceVersion?: number;
  now?: () => Date;
}

export interface FakeKube {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The first token in `tokens`, for kubeconfigs. */
  readonly token: string;
  readonly store: ObjectStore;
  /** Every request seen, in order, with the status answered. */
  readonly requests: RequestLogEntry[];
  /** Answer verb+resource with 403 Forbidden until the returned function is called. */
  forbid(rule: ForbidRule): () => void;
  /** Fail the next `count` matching requests with 500 (or 429/503). */
  failNext(count: number, options?: FailOptions): void;
  /** Ends every open watch; `destroy` cuts the TCP connection instead of ending the chunked body. */
  dropWatches(mode?: 'end' | 'destroy'): number;
  /** Forgets watch history, so a watch from any earlier resourceVersion gets 410 Expired. */
  compact(): void;
  /** Sends a BOOKMARK on every open watch now. */
  bookmark(): void;
  get(plural: string, namespace: string, name: string): KubeObject | undefined;
  list(plural: string, namespace?: string): KubeObject[];
  readonly openWatches: number;
  stop(): Promise<void>;
}

export async function startFakeKube(options: FakeKubeOptions = {}): Promise<FakeKube> {
  const tokens = options.tokens ?? { 'fake-kube-token': 'streamspace-agent' };
  const users = (token: string | undefined): string | undefined =>
    token === undefined ? undefined : tokens[token];
  const store = new ObjectStore({
    ...(options.startResourceVersion === undefined
      ? {}
      : { startResourceVersion: options.startResourceVersion }),
    ...(options.historyLimit === undefined ? {} : { historyLimit: options.historyLimit }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const api = new ResourceApi(store);
  const timers = new Timers();
  const faults = new Faults();
  const watches = new WatchHub(store, options.bookmarkIntervalMs ?? 1000);
  const forwarder = new PortForwarder(options.backend);
  const executor = new PodExecutor(options.exec);
  new Controllers(store, api, timers);
  new Kubelet(store, api, timers, options.kubelet ?? {});
  const log: RequestLogEntry[] = [];
  const deps = { api, store, watches, faults, users, log };

  const server = createServer((req, res) => {
    handleRequest(deps, req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const route = parseRoute(req.method ?? 'GET', req.url ?? '/');
    log.push({
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0] ?? '/',
      query: '',
      status: 101,
    });
    try {
      const user = users(bearerToken(req));
      if (user === undefined) throw unauthorized();
      const subresource = route?.subresource;
      if (route?.name === undefined || (subresource !== 'portforward' && subresource !== 'exec')) {
        throw unauthorized();
      }
      const namespace = route.namespace ?? '';
      // RBAC names a websocket GET "get" and an SPDY POST "create", on pods/portforward and
      // pods/exec alike.
      faults.check({
        verb: req.method === 'POST' ? 'create' : 'get',
        type: route.type,
        subresource,
        namespace,
        name: route.name,
        user,
      });
      const found = store.get(resourceType('pods'), namespace, route.name);
      if (subresource === 'exec') {
        const pod = checkExecTarget(found, route.name);
        executor.upgrade(req, socket, head, pod, parseExecQuery(pod, route.query));
      } else {
        const pod = checkPortForwardTarget(found, route.name, true);
        forwarder.upgrade(req, socket, head, pod, parsePorts(route.query));
      }
    } catch (error) {
      const entry = log[log.length - 1];
      if (entry !== undefined) entry.status = error instanceof KubeError ? (error.status.code ?? 500) : 500;
      rejectUpgrade(socket, error);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token: Object.keys(tokens)[0] ?? '',
    store,
    requests: log,
    forbid: (rule) => faults.forbid(rule),
    failNext: (count, failOptions) => faults.failNext(count, failOptions),
    dropWatches: (mode) => watches.dropAll(mode),
    compact: () => store.compact(),
    bookmark: () => watches.bookmarkAll(),
    get: (plural, namespace, name) => store.get(resourceType(plural), namespace, name),
    list: (plural, namespace) => store.list(resourceType(plural), namespace),
    get openWatches() {
      return watches.openCount;
    },
    stop: async () => {
      timers.stop();
      watches.dropAll('destroy');
      forwarder.close();
      executor.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
