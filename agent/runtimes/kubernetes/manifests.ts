import type {
  V1Container,
  V1Deployment,
  V1NetworkPolicy,
  V1PersistentVolumeClaim,
  V1PodSpec,
  V1Secret,
  V1Service,
  V1Volume,
} from '@kubernetes/client-node';
import type { Resources, SessionSpec } from '../../../protocol';
import {
  homeClaimName,
  labelValue,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  SESSION_LABEL,
  sessionObjectNames,
  TEMPLATE_LABEL,
  USER_LABEL,
} from './names';
import { clampResources, parseMemory } from './resource-limits';
import type { KubernetesSettings } from './settings';

/** Where the session image finds its VNC password, as a file: env vars leak into `describe` and logs. */
export const VNC_SECRET_MOUNT = '/var/run/secrets/streamspace/vnc';
export const VNC_SECRET_KEY = 'password';
export const HOME_MOUNT = '/home/streamspace';
export const CONTAINER_NAME = 'session';
export const VNC_PORT_NAME = 'vnc';

export interface SessionObjects {
  deployment: V1Deployment;
  service: V1Service;
  secret: V1Secret;
  networkPolicy: V1NetworkPolicy;
  /** Only with `persistentHome`; create it if missing, never delete it with the session. */
  homeClaim?: V1PersistentVolumeClaim;
}

type Labels = Record<string, string>;
type KubeSection = NonNullable<SessionSpec['kubernetes']>;

/** The labels that pick a session's pods: what the Deployment, Service and NetworkPolicy select. */
export function sessionMatchLabels(session: string): Labels {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [SESSION_LABEL]: labelValue(session) };
}

function sessionLabels(spec: SessionSpec): Labels {
  return {
    ...sessionMatchLabels(spec.name),
    [USER_LABEL]: labelValue(spec.user),
    [TEMPLATE_LABEL]: labelValue(spec.template),
  };
}

const MIB = 1024 * 1024;

/**
 * A Memory emptyDir counts against the container's memory limit, so /dev/shm gets half the
 * limit, at least 64Mi (what Docker gives) and at most 1Gi (plenty for a browser).
 */
export function shmSizeLimit(memoryLimit: string): string {
  const half = Math.floor(parseMemory(memoryLimit) / 2 / MIB);
  return `${Math.min(1024, Math.max(64, half))}Mi`;
}

function volumes(spec: SessionSpec, secretName: string, resources: Resources): V1Volume[] {
  const home: V1Volume = spec.persistentHome
    ? { name: 'home', persistentVolumeClaim: { claimName: homeClaimName(spec.user) } }
    : { name: 'home', emptyDir: {} };
  return [
    {
      name: 'vnc-secret',
      secret: {
        secretName,
        items: [{ key: VNC_SECRET_KEY, path: VNC_SECRET_KEY }],
        // Group-readable so the image can read it through fsGroup whatever its own user is.
        defaultMode: 0o440,
      },
    },
    home,
    { name: 'tmp', emptyDir: {} },
    { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: shmSizeLimit(resources.memory) } },
  ];
}

function container(kube: KubeSection, settings: KubernetesSettings, resources: Resources): V1Container {
  const env = Object.keys(kube.env)
    .sort()
    .map((name) => ({ name, value: kube.env[name] ?? '' }));
  return {
    name: CONTAINER_NAME,
    image: kube.image,
    imagePullPolicy: settings.imagePullPolicy,
    ports: [{ name: VNC_PORT_NAME, containerPort: kube.vncPort, protocol: 'TCP' }],
    env,
    // Requests equal to limits: a desktop that is promised less than it may use gets evicted first.
    resources: { requests: { ...resources }, limits: { ...resources } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
    },
    readinessProbe: {
      tcpSocket: { port: VNC_PORT_NAME },
      initialDelaySeconds: 1,
      periodSeconds: 2,
      timeoutSeconds: 1,
      failureThreshold: 3,
    },
    volumeMounts: [
      { name: 'vnc-secret', mountPath: VNC_SECRET_MOUNT, readOnly: true },
      { name: 'home', mountPath: HOME_MOUNT },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'dshm', mountPath: '/dev/shm' },
    ],
  };
}

function podSpec(
  spec: SessionSpec,
  kube: KubeSection,
  settings: KubernetesSettings,
  secretName: string,
): V1PodSpec {
  const resources = clampResources(spec.resources, settings.maxResources);
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: settings.runAsUser,
      runAsGroup: settings.runAsUser,
      fsGroup: settings.runAsUser,
      // A big home volume is re-owned on every start otherwise.
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [container(kube, settings, resources)],
    volumes: volumes(spec, secretName, resources),
  };
}

/**
 * Every object one session needs, all in `settings.namespace`. Pure and deterministic: the same
 * spec and settings give deep-equal objects, so a retried start asks for the same thing.
 */
export function buildSessionObjects(spec: SessionSpec, settings: KubernetesSettings): SessionObjects {
  const kube = spec.kubernetes;
  if (kube === undefined) {
    throw new Error(`Session ${spec.name} cannot run on Kubernetes: its template has no kubernetes section`);
  }
  const names = sessionObjectNames(spec.name);
  const namespace = settings.namespace;
  const labels = sessionLabels(spec);
  const matchLabels = sessionMatchLabels(spec.name);
  const meta = (name: string) => ({ name, namespace, labels: { ...labels } });

  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(names.deployment),
    spec: {
      replicas: 1,
      // The home claim is ReadWriteOnce: a rolling update would start the new pod beside the old.
      strategy: { type: 'Recreate' },
      revisionHistoryLimit: 1,
      selector: { matchLabels: { ...matchLabels } },
      template: {
        metadata: { labels: { ...labels } },
        spec: podSpec(spec, kube, settings, names.secret),
      },
    },
  };

  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(names.service),
    spec: {
      type: 'ClusterIP',
      selector: { ...matchLabels },
      ports: [{ name: VNC_PORT_NAME, protocol: 'TCP', port: kube.vncPort, targetPort: VNC_PORT_NAME }],
    },
  };

  const secret: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(names.secret),
    type: 'Opaque',
    // A session's password never changes; a new one comes with a new Secret.
    immutable: true,
    stringData: { [VNC_SECRET_KEY]: spec.vncPassword },
  };

  const agentLabels = settings.agentPodLabels;
  const networkPolicy: V1NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(names.networkPolicy),
    spec: {
      podSelector: { matchLabels: { ...matchLabels } },
      policyTypes: ['Ingress'],
      // An empty selector would admit every pod in the namespace, so no agent labels means no
      // ingress at all; port-forward still works, as it enters through the pod's own loopback.
      // client-node spells `from` as `_from` and its serializer drops a plain `from`, which
      // would leave a rule that admits everyone.
      ingress:
        Object.keys(agentLabels).length === 0
          ? []
          : [
              {
                _from: [{ podSelector: { matchLabels: { ...agentLabels } } }],
                ports: [{ protocol: 'TCP', port: kube.vncPort }],
              },
            ],
    },
  };

  const objects: SessionObjects = { deployment, service, secret, networkPolicy };
  if (spec.persistentHome) objects.homeClaim = buildHomeClaim(spec.user, settings);
  return objects;
}

/** A user's home claim: labelled with the user only, since it outlives every session. */
export function buildHomeClaim(user: string, settings: KubernetesSettings): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: homeClaimName(user),
      namespace: settings.namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [USER_LABEL]: labelValue(user) },
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: settings.homeSize } },
      ...(settings.storageClass === undefined ? {} : { storageClassName: settings.storageClass }),
    },
  };
}
