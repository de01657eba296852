import { createHash } from 'node:crypto';
import { type ResourceApi, randomSuffix } from './crud.js';
import { isDependant, replicaSetUid } from './ownership.js';
import { RESOURCE_TYPES, type ResourceType, resourceType } from './resources.js';
import type { ObjectStore } from './store.js';
import type { Timers } from './timers.js';
import { isRecord, type KubeObject } from './types.js';

// What kube-controller-manager does for the objects the fake serves: the Deployment controller
// (one ReplicaSet's worth of Pods per Deployment, and its status) and the garbage collector
// (foreground deletion, dependants of deleted owners, the PVC protection finalizer).

const deployments = resourceType('deployments');
const pods = resourceType('pods');
const pvcs = resourceType('persistentvolumeclaims');
const HASH_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A stable 10-character pod-template-hash, shaped like the controller's. */
export function templateHash(template: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(template)).digest();
  return [...digest.subarray(0, 10)].map((b) => HASH_ALPHABET[b % HASH_ALPHABET.length]).join('');
}

function deleting(obj: KubeObject): boolean {
  return obj.metadata.deletionTimestamp !== undefined;
}

function podReady(pod: KubeObject): boolean {
  const status = isRecord(pod.status) ? pod.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.some((c) => isRecord(c) && c.type === 'Ready' && c.status === 'True');
}

export class Controllers {
  private scheduled = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly api: ResourceApi,
    private readonly timers: Timers,
  ) {
    store.subscribe(() => this.schedule());
  }

  /** Reconciles after the current request finishes, like an informer-driven controller. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.timers.after(0, () => {
      this.scheduled = false;
      this.reconcile();
    });
  }

  private reconcile(): void {
    for (const deployment of this.store.list(deployments)) {
      if (!deleting(deployment)) this.syncDeployment(deployment);
    }
    for (const type of RESOURCE_TYPES) {
      if (!type.namespaced) continue;
      for (const obj of this.store.list(type)) this.collect(type, obj);
    }
  }

  private ownedPods(deployment: KubeObject): KubeObject[] {
    return this.store.list(pods, deployment.metadata.namespace).filter((pod) => isDependant(pod, deployment));
  }

  private syncDeployment(deployment: KubeObject): void {
    const spec = isRecord(deployment.spec) ? deployment.spec : {};
    const desired = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const live = this.ownedPods(deployment).filter((pod) => !deleting(pod));
    for (let i = live.length; i < desired; i++) this.createPod(deployment);
    for (const pod of live.slice(desired).reverse()) this.deletePod(pod);
    this.writeStatus(deployment, desired, live.slice(0, desired));
  }

  private createPod(deployment: KubeObject): void {
    const spec = isRecord(deployment.spec) ? deployment.spec : {};
    const template = isRecord(spec.template) ? spec.template : {};
    const templateMeta = isRecord(template.metadata) ? template.metadata : {};
    const hash = templateHash(template);
    const name = deployment.metadata.name as string;
    const replicaSet = `${name}-${hash}`;
    const labels = {
      ...((templateMeta.labels as Record<string, string> | undefined) ?? {}),
      'pod-template-hash': hash,
    };
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${replicaSet}-${randomSuffix(5)}`,
        generateName: `${replicaSet}-`,
        namespace: deployment.metadata.namespace,
        labels,
        ...(isRecord(templateMeta.annotations) ? { annotations: templateMeta.annotations } : {}),
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: replicaSet,
            uid: replicaSetUid(deployment.metadata.uid as string, replicaSet),
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: structuredClone(template.spec),
    };
    this.api.create(pods, deployment.metadata.namespace as string, pod);
  }

  private deletePod(pod: KubeObject): void {
    this.deleteObject(pods, pod);
  }

  private deleteObject(type: ResourceType, obj: KubeObject): void {
    this.api.delete({
      type,
      namespace: obj.metadata.namespace as string,
      name: obj.metadata.name as string,
      query: new URLSearchParams(),
      body: undefined,
      contentType: 'application/json',
    });
  }

  private writeStatus(deployment: KubeObject, desired: number, pods: KubeObject[]): void {
    const previous = isRecord(deployment.status) ? deployment.status : {};
    const ready = pods.filter(podReady).length;
    const status: Record<string, unknown> = { observedGeneration: deployment.metadata.generation };
    // Go's omitempty drops zero counters, so a scaled-down Deployment reports almost nothing.
    if (pods.length > 0) status.replicas = pods.length;
    if (pods.length > 0) status.updatedReplicas = pods.length;
    if (ready > 0) status.readyReplicas = ready;
    if (ready > 0) status.availableReplicas = ready;
    if (desired - ready > 0) status.unavailableReplicas = desired - ready;
    const available = ready >= desired;
    status.conditions = [
      this.condition(
        previous,
        'Available',
        available,
        available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
      ),
      this.condition(
        previous,
        'Progressing',
        true,
        available ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
        `ReplicaSet "${deployment.metadata.name}" is progressing.`,
      ),
    ];
    if (JSON.stringify(status) === JSON.stringify(previous)) return;
    this.store.write(deployments, { ...deployment, status });
  }

  /** Keeps the old condition (and its timestamps) when nothing changed, so status writes settle. */
  private condition(
    previous: Record<string, unknown>,
    type: string,
    ok: boolean,
    reason: string,
    message: string,
  ): unknown {
    const old = (Array.isArray(previous.conditions) ? previous.conditions : []).find(
      (c) => isRecord(c) && c.type === type,
    );
    const status = ok ? 'True' : 'False';
    if (isRecord(old) && old.status === status && old.reason === reason) return old;
    const now = this.store.nowString();
    return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
  }

  private collect(type: ResourceType, obj: KubeObject): void {
    const finalizers = obj.metadata.finalizers ?? [];
    if (deleting(obj) && finalizers.includes('foregroundDeletion')) {
      const dependants = this.dependantsOf(obj);
      for (const [childType, child] of dependants) if (!deleting(child)) this.deleteObject(childType, child);
      if (dependants.length === 0) this.dropFinalizer(type, obj, 'foregroundDeletion');
      return;
    }
    if (type === pvcs && deleting(obj) && finalizers.includes('kubernetes.io/pvc-protection')) {
      this.dropFinalizer(type, obj, 'kubernetes.io/pvc-protection');
      return;
    }
    const owners = obj.metadata.ownerReferences ?? [];
    if (owners.length > 0 && !deleting(obj) && !owners.some((ref) => this.ownerExists(obj, ref.uid))) {
      this.deleteObject(type, obj);
    }
  }

  private dependantsOf(owner: KubeObject): [ResourceType, KubeObject][] {
    const found: [ResourceType, KubeObject][] = [];
    for (const type of RESOURCE_TYPES) {
      if (!type.namespaced) continue;
      for (const child of this.store.list(type, owner.metadata.namespace)) {
        if (isDependant(child, owner)) found.push([type, child]);
      }
    }
    return found;
  }

  private ownerExists(child: KubeObject, uid: string): boolean {
    return RESOURCE_TYPES.some((type) =>
      this.store
        .list(type, type.namespaced ? child.metadata.namespace : undefined)
        .some((owner) => owner.metadata.uid === uid || isDependant(child, owner)),
    );
  }

  private dropFinalizer(type: ResourceType, obj: KubeObject, finalizer: string): void {
    const updated = structuredClone(obj);
    updated.metadata.finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    if (updated.metadata.finalizers.length === 0) delete updated.metadata.finalizers;
    this.store.write(type, updated);
  }
}
