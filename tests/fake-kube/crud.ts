import { randomBytes } from 'node:crypto';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './label-selector.js';
import { isDependant } from './ownership.js';
import { applyPatch } from './patch.js';
import { apiVersionOf, RESOURCE_TYPES, type ResourceType } from './resources.js';
import { alreadyExists, badRequest, conflict, failure, KubeError, notFound, success } from './status.js';
import type { ObjectStore } from './store.js';
import { isRecord, type KubeObject } from './types.js';
import { validateObject } from './validate.js';

// Create/get/list/replace/patch/delete with the apiserver's semantics for preconditions,
// generation, status preservation and delete propagation.

export interface Reply {
  status: number;
  body: unknown;
}

export interface ObjectRequest {
  type: ResourceType;
  namespace: string;
  name: string;
  query: URLSearchParams;
  body: unknown;
  contentType: string;
}

/** Types whose status is only writable through a status subresource, so PUT/PATCH keep it. */
const STATUS_SUBRESOURCE = new Set([
  'deployments',
  'pods',
  'services',
  'persistentvolumeclaims',
  'namespaces',
]);
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length: number): string {
  return [...randomBytes(length)].map((b) => NAME_ALPHABET[b % NAME_ALPHABET.length]).join('');
}

function asObject(body: unknown): KubeObject {
  if (!isRecord(body)) throw badRequest('the body of the request was in an unknown format');
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  return { ...structuredClone(body), metadata: structuredClone(metadata) } as KubeObject;
}

function withoutTypeMeta(obj: KubeObject): KubeObject {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = obj;
  return rest as KubeObject;
}

export class ResourceApi {
  constructor(private readonly store: ObjectStore) {}

  create(type: ResourceType, namespace: string, body: unknown): Reply {
    const obj = asObject(body);
    const meta = obj.metadata;
    if (type.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = namespace;
    }
    if (meta.name === undefined && meta.generateName !== undefined) {
      meta.name = `${meta.generateName}${randomSuffix(5)}`;
    }
    // Server-owned fields are never taken from the client.
    for (const field of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'deletionTimestamp',
      'generation',
    ] as const) {
      delete meta[field];
    }
    delete obj.metadata.deletionGracePeriodSeconds;
    validateObject(type, obj);
    if (this.store.get(type, namespace, meta.name as string) !== undefined) {
      throw alreadyExists(type, meta.name as string);
    }
    obj.apiVersion = apiVersionOf(type);
    obj.kind = type.kind;
    type.applyDefaults(obj);
    return { status: 201, body: this.store.insert(type, obj) };
  }

  get(type: ResourceType, namespace: string, name: string): KubeObject {
    const found = this.store.get(type, namespace, name);
    if (found === undefined) throw notFound(type, name);
    return found;
  }

  list(type: ResourceType, namespace: string | undefined, query: URLSearchParams): Reply {
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'));
    const requested = Number(query.get('resourceVersion') ?? '');
    if (query.get('resourceVersionMatch') === 'Exact' && requested < this.store.oldestResourceVersion) {
      throw new KubeError(failure(410, 'Expired', 'The resourceVersion for the provided list is too old.'));
    }
    const items = this.store
      .list(type, namespace)
      .filter((obj) => matchesLabels(labels, obj.metadata.labels) && matchesFields(fields, obj))
      .map(withoutTypeMeta);
    return {
      status: 200,
      body: {
        kind: `${type.kind}List`,
        apiVersion: apiVersionOf(type),
        metadata: { resourceVersion: String(this.store.resourceVersion) },
        items,
      },
    };
  }

  replace(req: ObjectRequest): Reply {
    const existing = this.get(req.type, req.namespace, req.name);
    const obj = asObject(req.body);
    if (obj.metadata.name !== undefined && obj.metadata.name !== req.name) {
      throw badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${req.name})`,
      );
    }
    return { status: 200, body: this.commit(req.type, existing, obj) };
  }

  patch(req: ObjectRequest): Reply {
    const existing = this.get(req.type, req.namespace, req.name);
    const patched = applyPatch(req.contentType, existing, req.body);
    return { status: 200, body: this.commit(req.type, existing, asObject(patched)) };
  }

  /** Shared tail of PUT and PATCH: precondition, immutable fields, generation, no-op detection. */
  commit(type: ResourceType, existing: KubeObject, updated: KubeObject): KubeObject {
    const name = existing.metadata.name as string;
    const rv = updated.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== existing.metadata.resourceVersion) throw conflict(type, name);
    const meta = updated.metadata;
    meta.name = name;
    if (type.namespaced) meta.namespace = existing.metadata.namespace as string;
    meta.uid = existing.metadata.uid as string;
    meta.creationTimestamp = existing.metadata.creationTimestamp as string;
    meta.resourceVersion = existing.metadata.resourceVersion as string;
    if (existing.metadata.deletionTimestamp !== undefined) {
      meta.deletionTimestamp = existing.metadata.deletionTimestamp;
      meta.deletionGracePeriodSeconds = existing.metadata.deletionGracePeriodSeconds as number;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (existing.metadata.generation !== undefined) meta.generation = existing.metadata.generation;
    updated.apiVersion = apiVersionOf(type);
    updated.kind = type.kind;
    if (STATUS_SUBRESOURCE.has(type.plural)) updated.status = existing.status;
    type.applyDefaults(updated);
    validateObject(type, updated);
    if (type.hasGeneration && JSON.stringify(updated.spec) !== JSON.stringify(existing.spec)) {
      meta.generation = (existing.metadata.generation ?? 0) + 1;
    }
    if (JSON.stringify(updated) === JSON.stringify(existing)) return existing;
    return this.store.write(type, updated);
  }

  delete(req: ObjectRequest): Reply {
    const options = isRecord(req.body) ? req.body : {};
    const policy = req.query.get('propagationPolicy') ?? (options.propagationPolicy as string | undefined);
    if (policy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(policy)) {
      const message = `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`;
      throw new KubeError(
        failure(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: ${message}`, {
          group: 'meta.k8s.io',
          kind: 'DeleteOptions',
          causes: [{ reason: 'FieldValueNotSupported', message, field: 'propagationPolicy' }],
        }),
      );
    }
    const existing = this.get(req.type, req.namespace, req.name);
    const preconditions = isRecord(options.preconditions) ? options.preconditions : {};
    if (
      (preconditions.uid !== undefined && preconditions.uid !== existing.metadata.uid) ||
      (preconditions.resourceVersion !== undefined &&
        preconditions.resourceVersion !== existing.metadata.resourceVersion)
    ) {
      throw conflict(req.type, req.name);
    }
    if (existing.metadata.deletionTimestamp !== undefined) return { status: 200, body: existing };
    const graceText = req.query.get('gracePeriodSeconds') ?? options.gracePeriodSeconds;
    const grace = graceText === undefined || graceText === null ? undefined : Number(graceText);
    // Background is the REST default for every type the fake serves.
    const effectivePolicy = policy ?? 'Background';
    if (effectivePolicy === 'Orphan') this.orphanDependants(existing);
    const finalizers = [...(existing.metadata.finalizers ?? [])];
    if (effectivePolicy === 'Foreground') finalizers.push('foregroundDeletion');
    const pod = req.type.plural === 'pods';
    const podGrace = pod ? this.podGracePeriod(existing, grace) : 0;
    if (finalizers.length > 0 || podGrace > 0) {
      // Deferred deletion: the object stays, marked, until finalizers or the kubelet let it go.
      const marked = structuredClone(existing);
      marked.metadata.finalizers = finalizers;
      if (finalizers.length === 0) delete marked.metadata.finalizers;
      marked.metadata.deletionTimestamp = new Date(this.store.now().getTime() + podGrace * 1000)
        .toISOString()
        .replace(/\.\d+Z$/, 'Z');
      marked.metadata.deletionGracePeriodSeconds = podGrace;
      return { status: 200, body: this.store.write(req.type, marked) };
    }
    if (pod) {
      // An unscheduled or force-deleted pod is marked then removed at once (MODIFIED, DELETED).
      const marked = structuredClone(existing);
      marked.metadata.deletionTimestamp = this.store.nowString();
      marked.metadata.deletionGracePeriodSeconds = 0;
      this.store.write(req.type, marked, { removeWhenFinalized: false });
    }
    const last = this.store.remove(req.type, req.namespace, req.name);
    if (req.type.returnsDeletedObject) return { status: 200, body: last };
    return { status: 200, body: success(req.type, req.name, existing.metadata.uid) };
  }

  private podGracePeriod(pod: KubeObject, requested: number | undefined): number {
    const spec = isRecord(pod.spec) ? pod.spec : {};
    if (typeof spec.nodeName !== 'string' || spec.nodeName === '') return 0;
    if (requested !== undefined && Number.isFinite(requested)) return requested;
    return typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
  }

  private orphanDependants(owner: KubeObject): void {
    for (const type of RESOURCE_TYPES) {
      if (!type.namespaced) continue;
      for (const child of this.store.list(type, owner.metadata.namespace)) {
        if (!isDependant(child, owner)) continue;
        child.metadata.ownerReferences = [];
        delete child.metadata.ownerReferences;
        this.store.write(type, child);
      }
    }
  }
}
