import {
  AppsV1Api,
  type ConfigurationOptions,
  CoreV1Api,
  type CoreV1Event,
  type KubeConfig,
  NetworkingV1Api,
  type V1Deployment,
  type V1NetworkPolicy,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1Secret,
  type V1Service,
} from '@kubernetes/client-node';
import { type CallContext, kubeCall } from './kube-call';
import { isKubeApiError } from './kube-errors';
import type { KubeOperationName } from './operations';

/** The per-session objects the runtime makes, by the name it uses for them. */
export interface ObjectKinds {
  deployment: V1Deployment;
  service: V1Service;
  secret: V1Secret;
  networkPolicy: V1NetworkPolicy;
  claim: V1PersistentVolumeClaim;
}
export type ObjectKind = keyof ObjectKinds;

type Opts = ConfigurationOptions;
interface KindClient<T> {
  ops: {
    create: KubeOperationName;
    read: KubeOperationName;
    list?: KubeOperationName;
    delete?: KubeOperationName;
  };
  create(namespace: string, body: T, options: Opts): Promise<T>;
  read(namespace: string, name: string, options: Opts): Promise<T>;
  list?(namespace: string, labelSelector: string, options: Opts): Promise<{ items: T[] }>;
  delete?(namespace: string, name: string, options: Opts): Promise<unknown>;
}

// Foreground: the Deployment goes only after its ReplicaSets and Pods, so nothing is orphaned and
// "gone" means gone.
const FOREGROUND = { propagationPolicy: 'Foreground' } as const;

function kindClients(apps: AppsV1Api, core: CoreV1Api, net: NetworkingV1Api) {
  const deployment: KindClient<V1Deployment> = {
    ops: {
      create: 'createDeployment',
      read: 'readDeployment',
      list: 'listDeployments',
      delete: 'deleteDeployment',
    },
    create: (namespace, body, o) => apps.createNamespacedDeployment({ namespace, body }, o),
    read: (namespace, name, o) => apps.readNamespacedDeployment({ namespace, name }, o),
    list: (namespace, labelSelector, o) => apps.listNamespacedDeployment({ namespace, labelSelector }, o),
    delete: (namespace, name, o) =>
      apps.deleteNamespacedDeployment({ namespace, name, body: FOREGROUND, ...FOREGROUND }, o),
  };
  const service: KindClient<V1Service> = {
    ops: { create: 'createService', read: 'readService', list: 'listServices', delete: 'deleteService' },
    create: (namespace, body, o) => core.createNamespacedService({ namespace, body }, o),
    read: (namespace, name, o) => core.readNamespacedService({ namespace, name }, o),
    list: (namespace, labelSelector, o) => core.listNamespacedService({ namespace, labelSelector }, o),
    delete: (namespace, name, o) => core.deleteNamespacedService({ namespace, name }, o),
  };
  const secret: KindClient<V1Secret> = {
    ops: { create: 'createSecret', read: 'readSecret', list: 'listSecrets', delete: 'deleteSecret' },
    create: (namespace, body, o) => core.createNamespacedSecret({ namespace, body }, o),
    read: (namespace, name, o) => core.readNamespacedSecret({ namespace, name }, o),
    list: (namespace, labelSelector, o) => core.listNamespacedSecret({ namespace, labelSelector }, o),
    delete: (namespace, name, o) => core.deleteNamespacedSecret({ namespace, name }, o),
  };
  const networkPolicy: KindClient<V1NetworkPolicy> = {
    ops: {
      create: 'createNetworkPolicy',
      read: 'readNetworkPolicy',
      list: 'listNetworkPolicies',
      delete: 'deleteNetworkPolicy',
    },
    create: (namespace, body, o) => net.createNamespacedNetworkPolicy({ namespace, body }, o),
    read: (namespace, name, o) => net.readNamespacedNetworkPolicy({ namespace, name }, o),
    list: (namespace, labelSelector, o) => net.listNamespacedNetworkPolicy({ namespace, labelSelector }, o),
    delete: (namespace, name, o) => net.deleteNamespacedNetworkPolicy({ namespace, name }, o),
  };
  // Home claims are never deleted by the agent: they hold the user's files across sessions.
  const claim: KindClient<V1PersistentVolumeClaim> = {
    ops: { create: 'createClaim', read: 'readClaim' },
    create: (namespace, body, o) => core.createNamespacedPersistentVolumeClaim({ namespace, body }, o),
    read: (namespace, name, o) => core.readNamespacedPersistentVolumeClaim({ namespace, name }, o),
  };
  return { deployment, service, secret, networkPolicy, claim } satisfies {
    [K in ObjectKind]: KindClient<ObjectKinds[K]>;
  };
}

/**
 * The namespaced API calls the runtime makes, each with retries within a deadline (epoch ms) and
 * with errors that name the operation. Creating is idempotent: a 409 reads what is there.
 */
export class KubeApi {
  private readonly kinds: ReturnType<typeof kindClients>;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;

  constructor(
    kubeConfig: KubeConfig,
    readonly namespace: string,
    private readonly context: CallContext,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.kinds = kindClients(this.apps, this.core, kubeConfig.makeApiClient(NetworkingV1Api));
  }

  private call<T>(operation: KubeOperationName, deadline: number, run: (o: Opts) => Promise<T>): Promise<T> {
    return kubeCall(this.context, operation, this.namespace, deadline, run);
  }

  private client<K extends ObjectKind>(kind: K): KindClient<ObjectKinds[K]> {
    return this.kinds[kind] as KindClient<ObjectKinds[K]>;
  }

  /** Creates the object, or reads it when an earlier attempt already made it. */
  async ensure<K extends ObjectKind>(
    kind: K,
    body: ObjectKinds[K],
    deadline: number,
  ): Promise<{ object: ObjectKinds[K]; created: boolean }> {
    const client = this.client(kind);
    try {
      const object = await this.call(client.ops.create, deadline, (o) =>
        client.create(this.namespace, body, o),
      );
      return { object, created: true };
    } catch (error) {
      if (!isKubeApiError(error, 'conflict')) throw error;
      const name = body.metadata?.name ?? '';
      const object = await this.call(client.ops.read, deadline, (o) => client.read(this.namespace, name, o));
      return { object, created: false };
    }
  }

  /** null when there is no such object. */
  async read<K extends ObjectKind>(kind: K, name: string, deadline: number): Promise<ObjectKinds[K] | null> {
    const client = this.client(kind);
    try {
      return await this.call(client.ops.read, deadline, (o) => client.read(this.namespace, name, o));
    } catch (error) {
      if (isKubeApiError(error, 'not_found')) return null;
      throw error;
    }
  }

  async list<K extends Exclude<ObjectKind, 'claim'>>(
    kind: K,
    labelSelector: string,
    deadline: number,
  ): Promise<ObjectKinds[K][]> {
    const client = this.client(kind);
    const { list } = client;
    const operation = client.ops.list;
    if (list === undefined || operation === undefined) throw new Error(`${kind} cannot be listed`);
    const answer = await this.call(operation, deadline, (o) => list(this.namespace, labelSelector, o));
    return answer.items;
  }

  /** False when it was already gone. */
  async delete(kind: Exclude<ObjectKind, 'claim'>, name: string, deadline: number): Promise<boolean> {
    const client = this.client(kind);
    const remove = client.delete;
    const operation = client.ops.delete;
    if (remove === undefined || operation === undefined) throw new Error(`${kind} cannot be deleted`);
    try {
      await this.call(operation, deadline, (o) => remove(this.namespace, name, o));
      return true;
    } catch (error) {
      if (isKubeApiError(error, 'not_found')) return false;
      throw error;
    }
  }

  async scale(name: string, replicas: number, deadline: number): Promise<void> {
    await this.call('scaleDeployment', deadline, (o) =>
      this.apps.replaceNamespacedDeploymentScale(
        {
          namespace: this.namespace,
          name,
          body: { metadata: { name, namespace: this.namespace }, spec: { replicas } },
        },
        o,
      ),
    );
  }

  async listPods(
    labelSelector: string,
    deadline: number,
  ): Promise<{ items: V1Pod[]; resourceVersion: string }> {
    const answer = await this.call('listPods', deadline, (o) =>
      this.core.listNamespacedPod({ namespace: this.namespace, labelSelector }, o),
    );
    return { items: answer.items, resourceVersion: answer.metadata?.resourceVersion ?? '' };
  }

  /** The pod's events, for the message behind a failure. */
  async podEvents(podName: string, deadline: number): Promise<CoreV1Event[]> {
    const answer = await this.call('listEvents', deadline, (o) =>
      this.core.listNamespacedEvent(
        {
          namespace: this.namespace,
          fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${podName}`,
        },
        o,
      ),
    );
    return answer.items;
  }
}
