import { randomInt } from 'node:crypto';
import { arrayAt, isRecord, type KubeObject, recordAt } from './types.js';

// The resource types the fake serves. Defaults mirror what kube-apiserver 1.28 filled in for the
// objects in the transcripts, so a client that reads back a field it never set sees the real value.

export interface ResourceType {
  plural: string;
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
  /** Go types with a `generation` counter in metadata (spec changes bump it). */
  hasGeneration: boolean;
  /** Registries that answer DELETE with the object rather than a Success Status. */
  returnsDeletedObject: boolean;
  applyDefaults: (obj: KubeObject) => void;
}

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

function defaultContainers(podSpec: Record<string, unknown>): void {
  for (const container of arrayAt(podSpec, 'containers')) {
    if (!isRecord(container)) continue;
    const image = typeof container.image === 'string' ? container.image : '';
    const tagged = /:[^/]+$/.test(image) && !image.endsWith(':latest');
    container.resources ??= {};
    container.terminationMessagePath ??= '/dev/termination-log';
    container.terminationMessagePolicy ??= 'File';
    container.imagePullPolicy ??= tagged ? 'IfNotPresent' : 'Always';
    for (const port of arrayAt(container, 'ports')) {
      if (isRecord(port)) port.protocol ??= 'TCP';
    }
  }
  podSpec.restartPolicy ??= 'Always';
  podSpec.terminationGracePeriodSeconds ??= 30;
  podSpec.dnsPolicy ??= 'ClusterFirst';
  podSpec.securityContext ??= {};
  podSpec.schedulerName ??= 'default-scheduler';
}

function defaultDeployment(obj: KubeObject): void {
  const spec = recordAt(obj, 'spec');
  spec.replicas ??= 1;
  const template = recordAt(spec, 'template');
  const templateMeta = recordAt(template, 'metadata');
  templateMeta.creationTimestamp ??= null;
  defaultContainers(recordAt(template, 'spec'));
  spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  obj.status ??= {};
}

function defaultPod(obj: KubeObject): void {
  const spec = recordAt(obj, 'spec');
  defaultContainers(spec);
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.priority ??= 0;
  obj.status ??= { phase: 'Pending', qosClass: 'BestEffort' };
}

function defaultService(obj: KubeObject): void {
  const spec = recordAt(obj, 'spec');
  for (const port of arrayAt(spec, 'ports')) {
    if (!isRecord(port)) continue;
    port.protocol ??= 'TCP';
    port.targetPort ??= port.port;
  }
  spec.type ??= 'ClusterIP';
  if (spec.type !== 'ExternalName' && spec.clusterIP === undefined) {
    spec.clusterIP = `10.96.${randomInt(0, 256)}.${randomInt(1, 255)}`;
  }
  if (typeof spec.clusterIP === 'string' && spec.clusterIPs === undefined) spec.clusterIPs = [spec.clusterIP];
  spec.sessionAffinity ??= 'None';
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
  spec.internalTrafficPolicy ??= 'Cluster';
  obj.status ??= { loadBalancer: {} };
}

function defaultSecret(obj: KubeObject): void {
  // The apiserver folds write-only stringData into base64 data and never returns stringData.
  const stringData = obj.stringData;
  if (isRecord(stringData)) {
    const data = recordAt(obj, 'data');
    for (const [key, value] of Object.entries(stringData)) {
      data[key] = Buffer.from(String(value), 'utf8').toString('base64');
    }
  }
  delete obj.stringData;
  obj.type ??= 'Opaque';
}

function defaultPvc(obj: KubeObject): void {
  const spec = recordAt(obj, 'spec');
  spec.volumeMode ??= 'Filesystem';
  obj.metadata.finalizers ??= [];
  const finalizers = obj.metadata.finalizers;
  if (!finalizers.includes('kubernetes.io/pvc-protection')) finalizers.push('kubernetes.io/pvc-protection');
  obj.status ??= { phase: 'Pending' };
}

function defaultNetworkPolicy(obj: KubeObject): void {
  const spec = recordAt(obj, 'spec');
  if (spec.policyTypes === undefined) {
    spec.policyTypes = spec.egress === undefined ? ['Ingress'] : ['Ingress', 'Egress'];
  }
}

function defaultNamespace(obj: KubeObject): void {
  obj.metadata.labels ??= {};
  const labels = obj.metadata.labels;
  if (obj.metadata.name !== undefined) labels['kubernetes.io/metadata.name'] = obj.metadata.name;
  obj.spec ??= { finalizers: ['kubernetes'] };
  obj.status ??= { phase: 'Active' };
}

const noDefaults = (): void => {};

function type(
  plural: string,
  group: string,
  version: string,
  kind: string,
  applyDefaults: (obj: KubeObject) => void,
  flags: Partial<Pick<ResourceType, 'hasGeneration' | 'returnsDeletedObject' | 'namespaced'>> = {},
): ResourceType {
  return {
    plural,
    group,
    version,
    kind,
    applyDefaults,
    namespaced: flags.namespaced ?? true,
    hasGeneration: flags.hasGeneration ?? false,
    returnsDeletedObject: flags.returnsDeletedObject ?? false,
  };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  type('deployments', 'apps', 'v1', 'Deployment', defaultDeployment, { hasGeneration: true }),
  type('pods', '', 'v1', 'Pod', defaultPod, { returnsDeletedObject: true }),
  type('services', '', 'v1', 'Service', defaultService, { returnsDeletedObject: true }),
  type('secrets', '', 'v1', 'Secret', defaultSecret),
  type('persistentvolumeclaims', '', 'v1', 'PersistentVolumeClaim', defaultPvc),
  type('networkpolicies', 'networking.k8s.io', 'v1', 'NetworkPolicy', defaultNetworkPolicy, {
    hasGeneration: true,
  }),
  type('events', '', 'v1', 'Event', noDefaults),
  type('namespaces', '', 'v1', 'Namespace', defaultNamespace, {
    namespaced: false,
    returnsDeletedObject: true,
  }),
];

export function findResourceType(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function resourceType(plural: string): ResourceType {
  const found = RESOURCE_TYPES.find((t) => t.plural === plural);
  if (found === undefined) throw new Error(`fake-kube: unknown resource ${plural}`);
  return found;
}
