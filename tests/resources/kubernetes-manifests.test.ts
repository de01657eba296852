import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type {
  V1ConfigMap,
  V1Container,
  V1Deployment,
  V1Namespace,
  V1PersistentVolumeClaim,
  V1Role,
  V1RoleBinding,
  V1Secret,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KUBE_OPERATIONS } from '../../agent/runtimes/kubernetes/operations';
import { KubernetesSettings } from '../../agent/runtimes/kubernetes/settings';
import { KUBERNETES_DIR, listFiles, readImagesList, readYamlDocuments, rel } from './resource-files';

// What `kubectl apply -k resources/kubernetes` (and control-plane/) sends to a real API server,
// checked offline: shapes against client-node's generated models, RBAC against the code's own
// table of API calls, and the agent's pod against the hardening the namespace enforces.

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

interface Manifest {
  file: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  body: Obj;
}

/** The kinds we ship, their apiVersion and client-node model; a new kind has to be added here. */
const KINDS: Record<string, { apiVersion: string; model: string; namespaced: boolean }> = {
  Namespace: { apiVersion: 'v1', model: 'V1Namespace', namespaced: false },
  ServiceAccount: { apiVersion: 'v1', model: 'V1ServiceAccount', namespaced: true },
  ConfigMap: { apiVersion: 'v1', model: 'V1ConfigMap', namespaced: true },
  Secret: { apiVersion: 'v1', model: 'V1Secret', namespaced: true },
  Service: { apiVersion: 'v1', model: 'V1Service', namespaced: true },
  PersistentVolumeClaim: { apiVersion: 'v1', model: 'V1PersistentVolumeClaim', namespaced: true },
  Role: { apiVersion: 'rbac.authorization.k8s.io/v1', model: 'V1Role', namespaced: true },
  RoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', model: 'V1RoleBinding', namespaced: true },
  Deployment: { apiVersion: 'apps/v1', model: 'V1Deployment', namespaced: true },
  NetworkPolicy: { apiVersion: 'networking.k8s.io/v1', model: 'V1NetworkPolicy', namespaced: true },
};

const KUSTOMIZATION = 'kustomization.yaml';
const KIND_CONFIG = join(KUBERNETES_DIR, 'kind-config.yaml');
/** Files users copy and fill in; never applied as they are. */
const isExample = (file: string) => file.endsWith('.example.yaml');

const yamlFiles = listFiles(KUBERNETES_DIR, /\.ya?ml$/);
const kustomizationFiles = yamlFiles.filter((file) => basename(file) === KUSTOMIZATION);
const manifestFiles = yamlFiles.filter((file) => basename(file) !== KUSTOMIZATION && file !== KIND_CONFIG);

const manifests: Manifest[] = manifestFiles.flatMap((file) =>
  readYamlDocuments(file).map((doc): Manifest => {
    const body = isObj(doc) ? doc : {};
    const metadata = isObj(body.metadata) ? body.metadata : {};
    return {
      file,
      kind: typeof body.kind === 'string' ? body.kind : '',
      name: typeof metadata.name === 'string' ? metadata.name : '',
      namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
      body,
    };
  }),
);

/** Manifests a kustomization applies: the files it lists, never an example. */
const applied = manifests.filter((m) => !isExample(m.file));
const inDir = (dir: string) => applied.filter((m) => dirname(m.file) === dir);

function only<T>(list: readonly Manifest[], kind: string, where = ''): T {
  const found = list.filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}${where}, found ${found.length}`);
  return found[0]?.body as T;
}
const all = <T>(list: readonly Manifest[], kind: string): T[] =>
  list.filter((m) => m.kind === kind).map((m) => m.body as T);

const agentManifests = inDir(KUBERNETES_DIR);
const controlPlaneManifests = inDir(join(KUBERNETES_DIR, 'control-plane'));
const images = readImagesList();
const imageOf = (role: string) => images.find((entry) => entry.role === role)?.image;
const settings = KubernetesSettings.parse({});

// client-node's models, generated from the API server's OpenAPI, know every field of every
// object: a field missing there is one a strict API server (kubectl's default) rejects.
type AttributeMap = ReadonlyArray<{ baseName: string; type: string }>;
const models = k8s as unknown as Record<string, { attributeTypeMap?: AttributeMap } | undefined>;

function schemaProblems(value: unknown, type: string, path: string, out: string[]): void {
  const list = /^Array<(.+)>$/.exec(type);
  if (list?.[1]) {
    const itemType = list[1];
    if (!Array.isArray(value)) out.push(`${path}: expected a list of ${itemType}`);
    else
      value.forEach((item, i) => {
        schemaProblems(item, itemType, `${path}[${i}]`, out);
      });
    return;
  }
  if (type === '{ [key: string]: string; }') {
    if (!isObj(value) || Object.values(value).some((v) => typeof v !== 'string')) {
      out.push(`${path}: expected a map of strings (quote numbers and booleans)`);
    }
    return;
  }
  switch (type.toLowerCase()) {
    case 'string':
    case 'date':
      if (typeof value !== 'string') out.push(`${path}: expected a string, got ${JSON.stringify(value)}`);
      return;
    case 'number':
      if (typeof value !== 'number') out.push(`${path}: expected a number, got ${JSON.stringify(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean')
        out.push(`${path}: expected true or false, got ${JSON.stringify(value)}`);
      return;
    case 'intorstring':
      if (typeof value !== 'string' && typeof value !== 'number')
        out.push(`${path}: expected a port or name`);
      return;
    case 'any':
    case 'object':
      return;
  }
  const attributes = models[type]?.attributeTypeMap;
  if (!attributes) {
    out.push(`${path}: client-node has no model ${type}`);
    return;
  }
  if (!isObj(value)) {
    out.push(`${path}: expected an object (${type})`);
    return;
  }
  for (const [key, field] of Object.entries(value)) {
    const attribute = attributes.find((a) => a.baseName === key);
    if (attribute) schemaProblems(field, attribute.type, `${path}.${key}`, out);
    else out.push(`${path}.${key}: not a field of ${type}`);
  }
}

/** What the restricted Pod Security Standard (enforced on both namespaces) and we ask of a pod. */
function hardeningProblems(deployment: V1Deployment): string[] {
  const problems: string[] = [];
  const pod = deployment.spec?.template.spec;
  if (!pod) return ['no pod spec'];
  const podContext = pod.securityContext ?? {};
  if (podContext.runAsNonRoot !== true) problems.push('pod: runAsNonRoot must be true');
  if (!podContext.runAsUser) problems.push('pod: runAsUser must be a non-zero UID');
  if (podContext.runAsGroup === 0) problems.push('pod: runAsGroup must not be 0');
  if (podContext.seccompProfile?.type !== 'RuntimeDefault')
    problems.push('pod: seccompProfile RuntimeDefault');
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push('pod: no host namespaces');
  const containers: V1Container[] = [...(pod.initContainers ?? []), ...pod.containers];
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.allowPrivilegeEscalation !== false)
      problems.push(`${where}: allowPrivilegeEscalation must be false`);
    if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${where}: capabilities must drop ALL`);
    if ((sc.capabilities?.add ?? []).length > 0) problems.push(`${where}: must add no capabilities`);
    if (sc.privileged) problems.push(`${where}: must not be privileged`);
    if (sc.runAsNonRoot === false || sc.runAsUser === 0) problems.push(`${where}: must not run as root`);
    if (!c.image || c.image.endsWith(':latest') || !/:[^/]+$/.test(c.image)) {
      problems.push(`${where}: image ${c.image} needs a version tag; kind-loaded images are never pulled`);
    }
    if (c.imagePullPolicy !== 'IfNotPresent') problems.push(`${where}: imagePullPolicy IfNotPresent`);
    for (const resource of ['cpu', 'memory']) {
      if (!c.resources?.requests?.[resource]) problems.push(`${where}: requests.${resource}`);
      if (!c.resources?.limits?.[resource]) problems.push(`${where}: limits.${resource}`);
    }
  }
  return problems;
}

const envOf = (container: V1Container | undefined, name: string) =>
  container?.env?.find((e) => e.name === name);

describe('resources/kubernetes manifests', () => {
  it('finds manifests, kustomizations and the kind config', () => {
    expect(manifests.length).toBeGreaterThan(0);
    expect(kustomizationFiles.map(rel)).toEqual(
      expect.arrayContaining(['resources/kubernetes/kustomization.yaml']),
    );
    expect(existsSync(KIND_CONFIG)).toBe(true);
  });

  it.each(manifests.map((m) => [`${rel(m.file)} ${m.kind}/${m.name}`, m] as const))(
    '%s has apiVersion, kind, metadata.name and only real fields',
    (_label, m) => {
      const spec = KINDS[m.kind];
      expect(spec, `kind ${JSON.stringify(m.kind)} is not one we know; add it to KINDS`).toBeDefined();
      if (!spec) return;
      expect(m.body.apiVersion).toBe(spec.apiVersion);
      expect(m.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      if (spec.namespaced) expect(m.namespace, 'namespaced objects name their namespace').toBeTruthy();
      else expect(m.namespace).toBeUndefined();
      const problems: string[] = [];
      schemaProblems(m.body, spec.model, m.kind, problems);
      expect(problems).toEqual([]);
    },
  );

  it('ships the agent kinds: Namespace, ServiceAccount, Role, RoleBinding, Deployment', () => {
    const kinds = new Set(agentManifests.map((m) => m.kind));
    for (const kind of ['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'Deployment']) {
      expect(kinds.has(kind), kind).toBe(true);
    }
  });

  it.each(kustomizationFiles.map((file) => [rel(file), file] as const))(
    '%s lists exactly the manifests beside it, all of which exist',
    (_label, file) => {
      const [doc] = readYamlDocuments(file);
      expect(isObj(doc)).toBe(true);
      if (!isObj(doc)) return;
      expect(doc.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
      expect(doc.kind).toBe('Kustomization');
      const dir = dirname(file);
      const resources = Array.isArray(doc.resources) ? doc.resources : [];
      expect(resources.length).toBeGreaterThan(0);
      for (const entry of resources) {
        expect(typeof entry).toBe('string');
        const path = join(dir, String(entry));
        expect(existsSync(path), `${entry} exists`).toBe(true);
        expect(statSync(path).isFile(), `${entry} is a file`).toBe(true);
      }
      // No manifest left out by accident, and no example (a secret to fill in) applied by accident.
      const beside = manifestFiles.filter((f) => dirname(f) === dir && !isExample(f)).map((f) => basename(f));
      expect([...resources].map(String).sort()).toEqual(beside.sort());
    },
  );

  it('puts every namespaced object in the namespace its kustomization creates', () => {
    for (const list of [agentManifests, controlPlaneManifests]) {
      const namespace = only<V1Namespace>(list, 'Namespace').metadata?.name;
      for (const m of list.filter((m) => KINDS[m.kind]?.namespaced)) {
        expect(m.namespace, `${rel(m.file)} ${m.kind}/${m.name}`).toBe(namespace);
      }
    }
    // The runtime's default namespace, so an agent started without --namespace finds its Role.
    expect(only<V1Namespace>(agentManifests, 'Namespace').metadata?.name).toBe(settings.namespace);
  });

  it('enforces the restricted Pod Security Standard on both namespaces', () => {
    for (const namespace of all<V1Namespace>(applied, 'Namespace')) {
      expect(namespace.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    }
  });

  describe('the agent Role', () => {
    // Looked up inside each test, so a second Role fails these tests by name, not the whole file.
    const role = () => only<V1Role>(agentManifests, 'Role');
    const key = (group: string, resource: string, verb: string) => `${group || 'core'} ${resource} ${verb}`;
    // kubectl's port-forward and exec (SPDY) are POSTs, and Kubernetes 1.35 asks for create on
    // the WebSocket upgrade too; operations.ts lists what client-node's GET needs.
    const extra = [key('', 'pods/portforward', 'create'), key('', 'pods/exec', 'create')];
    const needed = [
      ...new Set([
        ...Object.values(KUBE_OPERATIONS).map((op) => key(op.group, op.resource, op.verb)),
        ...extra,
      ]),
    ].sort();

    it('has no wildcards, resource names or non-resource URLs', () => {
      for (const rule of role().rules ?? []) {
        for (const list of [rule.apiGroups, rule.resources, rule.verbs])
          expect(list ?? []).not.toContain('*');
        expect(rule.resourceNames ?? []).toEqual([]);
        expect(rule.nonResourceURLs ?? []).toEqual([]);
      }
    });

    it('grants exactly what KUBE_OPERATIONS uses, plus create on pods/portforward and pods/exec', () => {
      const granted = new Set<string>();
      for (const rule of role().rules ?? []) {
        for (const group of rule.apiGroups ?? []) {
          for (const resource of rule.resources ?? []) {
            for (const verb of rule.verbs) granted.add(key(group, resource, verb));
          }
        }
      }
      expect([...granted].sort()).toEqual(needed);
    });
  });

  describe('the agent Deployment', () => {
    const agent = () => {
      const deployment = only<V1Deployment>(agentManifests, 'Deployment');
      const pod = deployment.spec?.template.spec;
      return { deployment, pod, container: pod?.containers[0], namespace: deployment.metadata?.namespace };
    };

    it('is hardened: non-root, no privilege escalation, no capabilities, versioned image', () => {
      const { deployment, container } = agent();
      expect(hardeningProblems(deployment)).toEqual([]);
      expect(container?.securityContext?.readOnlyRootFilesystem).toBe(true);
    });

    it('runs the agent image from images.txt', () => {
      const { pod, container } = agent();
      expect(pod?.containers).toHaveLength(1);
      expect(container?.image).toBe(imageOf('agent'));
    });

    it('carries the labels session NetworkPolicies admit, and selects its own pods', () => {
      const { deployment } = agent();
      const labels = deployment.spec?.template.metadata?.labels ?? {};
      expect(labels).toMatchObject(settings.agentPodLabels);
      expect(labels).toMatchObject(deployment.spec?.selector.matchLabels ?? { missing: 'selector' });
    });

    it('takes its token from the Secret streamspace-agent-token, never from a literal', () => {
      const { container, namespace } = agent();
      const token = envOf(container, 'STREAMSPACE_AGENT_TOKEN');
      expect(token?.value).toBeUndefined();
      expect(token?.valueFrom?.secretKeyRef).toMatchObject({ name: 'streamspace-agent-token', key: 'token' });
      expect(token?.valueFrom?.secretKeyRef?.optional).not.toBe(true);
      // The example users copy creates exactly that Secret and key.
      const example = manifests.find((m) => m.kind === 'Secret' && m.name === 'streamspace-agent-token');
      expect(example && isExample(example.file)).toBe(true);
      expect(example?.namespace).toBe(namespace);
      expect(Object.keys((example?.body as V1Secret | undefined)?.stringData ?? {})).toEqual(['token']);
    });

    it('runs the kubernetes runtime in-cluster, configured from a ConfigMap without secrets', () => {
      const { container, namespace } = agent();
      expect(envOf(container, 'STREAMSPACE_RUNTIME')?.value).toBe('kubernetes');
      expect(envOf(container, 'STREAMSPACE_KUBE_IN_CLUSTER')?.value).toBe('true');
      const namespaceEnv = envOf(container, 'STREAMSPACE_KUBE_NAMESPACE');
      expect(namespaceEnv?.value ?? namespaceEnv?.valueFrom?.fieldRef?.fieldPath).toMatch(
        new RegExp(`^(${namespace}|metadata\\.namespace)$`),
      );
      const configMaps = (container?.envFrom ?? []).map((source) => source.configMapRef?.name);
      const config = all<V1ConfigMap>(agentManifests, 'ConfigMap').find(
        (c) => c.metadata?.name && configMaps.includes(c.metadata.name),
      );
      expect(config?.data?.STREAMSPACE_URL).toMatch(/^https?:\/\//);
      expect(Object.keys(config?.data ?? {}).filter((k) => /TOKEN|PASSWORD|SECRET/i.test(k))).toEqual([]);
    });

    it('uses a ServiceAccount that exists, keeps its token, and is bound to the Role', () => {
      const { pod, namespace } = agent();
      const accountName = pod?.serviceAccountName;
      expect(accountName).toBeTruthy();
      const account = all<V1ServiceAccount>(agentManifests, 'ServiceAccount').find(
        (a) => a.metadata?.name === accountName,
      );
      expect(account).toBeDefined();
      expect(account?.automountServiceAccountToken).not.toBe(false);
      expect(pod?.automountServiceAccountToken).not.toBe(false);

      const role = only<V1Role>(agentManifests, 'Role');
      const binding = only<V1RoleBinding>(agentManifests, 'RoleBinding');
      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: role.metadata?.name,
      });
      expect(binding.subjects).toContainEqual({ kind: 'ServiceAccount', name: accountName, namespace });
    });
  });

  describe('the control plane', () => {
    const controlPlane = () => {
      const deployment = only<V1Deployment>(controlPlaneManifests, 'Deployment', ' in control-plane/');
      return { deployment, pod: deployment.spec?.template.spec };
    };

    it('is hardened like the agent and runs the control-plane image from images.txt', () => {
      const { deployment, pod } = controlPlane();
      expect(hardeningProblems(deployment)).toEqual([]);
      expect(pod?.containers.map((c) => c.image)).toEqual([imageOf('control-plane')]);
      expect(pod?.automountServiceAccountToken).toBe(false);
    });

    it('keeps its data on the claim it ships', () => {
      const { pod } = controlPlane();
      const claims = all<V1PersistentVolumeClaim>(controlPlaneManifests, 'PersistentVolumeClaim');
      const used = (pod?.volumes ?? []).flatMap((v) => v.persistentVolumeClaim?.claimName ?? []);
      expect(used.length).toBeGreaterThan(0);
      for (const name of used) expect(claims.map((c) => c.metadata?.name)).toContain(name);
    });

    it('is what the agent ConfigMap points at by default', () => {
      const { deployment } = controlPlane();
      const service = only<V1Service>(controlPlaneManifests, 'Service');
      expect(deployment.spec?.template.metadata?.labels).toMatchObject(
        service.spec?.selector ?? { none: '' },
      );
      const port = service.spec?.ports?.[0]?.port;
      const config = only<V1ConfigMap>(agentManifests, 'ConfigMap');
      expect(config.data?.STREAMSPACE_URL).toBe(
        `http://${service.metadata?.name}.${service.metadata?.namespace}.svc:${port}`,
      );
    });
  });

  it('kind-config.yaml is a kind Cluster named streamspace with one control-plane node', () => {
    const [config] = readYamlDocuments(KIND_CONFIG);
    expect(config).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: 'streamspace',
      nodes: [{ role: 'control-plane' }],
    });
  });
});
