import type { ResourceApi } from './crud.js';
import { applyPatch } from './patch.js';
import { resourceType } from './resources.js';
import { badRequest, conflict } from './status.js';
import { isRecord, type KubeObject } from './types.js';

// deployments/{name}/scale: an autoscaling/v1 Scale view over the Deployment (transcript 06).

const deployments = resourceType('deployments');

function selectorString(deployment: KubeObject): string {
  const spec = isRecord(deployment.spec) ? deployment.spec : {};
  const selector = isRecord(spec.selector) ? spec.selector : {};
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  return Object.keys(matchLabels)
    .sort()
    .map((key) => `${key}=${String(matchLabels[key])}`)
    .join(',');
}

export function scaleOf(deployment: KubeObject): KubeObject {
  const spec = isRecord(deployment.spec) ? deployment.spec : {};
  const status = isRecord(deployment.status) ? deployment.status : {};
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 0;
  const { name, namespace, uid, resourceVersion, creationTimestamp } = deployment.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    // ScaleSpec.replicas is `omitempty` in Go, so zero replicas serialises as `spec: {}`.
    spec: replicas === 0 ? {} : { replicas },
    status: {
      replicas: typeof status.replicas === 'number' ? status.replicas : 0,
      selector: selectorString(deployment),
    },
  };
}

export function readScale(api: ResourceApi, namespace: string, name: string): KubeObject {
  return scaleOf(api.get(deployments, namespace, name));
}

export function replaceScale(api: ResourceApi, namespace: string, name: string, body: unknown): KubeObject {
  const existing = api.get(deployments, namespace, name);
  if (!isRecord(body)) throw badRequest('the body of the request was in an unknown format');
  const meta = isRecord(body.metadata) ? body.metadata : {};
  const rv = meta.resourceVersion;
  if (typeof rv === 'string' && rv !== '' && rv !== existing.metadata.resourceVersion) {
    throw conflict(deployments, name);
  }
  const spec = isRecord(body.spec) ? body.spec : {};
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 0;
  const updated = structuredClone(existing);
  updated.spec = { ...(isRecord(existing.spec) ? existing.spec : {}), replicas };
  delete updated.metadata.resourceVersion;
  return scaleOf(api.commit(deployments, existing, updated));
}

export function patchScale(
  api: ResourceApi,
  namespace: string,
  name: string,
  contentType: string,
  patch: unknown,
): KubeObject {
  const current = readScale(api, namespace, name);
  return replaceScale(api, namespace, name, applyPatch(contentType, current, patch));
}
