import { badRequest, failure, KubeError } from './status.js';
import { isRecord } from './types.js';

// Patch flavours the client sends, picked by Content-Type the way the apiserver does.

export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';

/** RFC 7386: null deletes, objects recurse, anything else (arrays included) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function isNamedList(list: unknown[]): list is Record<string, unknown>[] {
  return list.length > 0 && list.every((item) => isRecord(item) && typeof item.name === 'string');
}

/**
 * Strategic merge for the simple cases: lists of named objects (containers, ports, env, volumes)
 * merge by `name` and honour `$patch: delete`; every other list replaces, as with merge-patch.
 * Real per-field patch strategies (e.g. `containerPort` keys) are not modelled.
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (Array.isArray(patch) && Array.isArray(target) && isNamedList(patch) && isNamedList(target)) {
    const merged = target.map((item) => structuredClone(item));
    for (const item of patch) {
      const index = merged.findIndex((existing) => existing.name === item.name);
      if (item.$patch === 'delete') {
        if (index >= 0) merged.splice(index, 1);
      } else if (index >= 0) {
        merged[index] = strategicMergePatch(merged[index], item) as Record<string, unknown>;
      } else {
        merged.push(structuredClone(item));
      }
    }
    return merged;
  }
  if (!isRecord(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = strategicMergePatch(out[key], value);
  }
  return out;
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw badRequest(`the server rejected our request due to an error in our request`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function jsonPatchFailure(message: string): KubeError {
  return new KubeError(failure(422, 'Invalid', message));
}

/** RFC 6902 add/remove/replace/test, enough for label and annotation edits. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations))
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  const root: { value: unknown } = { value: structuredClone(target) };
  for (const op of operations) {
    if (!isRecord(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw badRequest('the server rejected our request due to an error in our request');
    }
    const segments = decodePointer(op.path);
    const field = segments.pop();
    if (field === undefined) {
      // A patch on "" swaps the whole document.
      if (op.op === 'add' || op.op === 'replace') root.value = structuredClone(op.value);
      continue;
    }
    let container: unknown = root.value;
    for (const segment of segments) {
      container =
        typeof container === 'object' && container !== null ? Reflect.get(container, segment) : undefined;
    }
    if (typeof container !== 'object' || container === null) {
      throw jsonPatchFailure(`the server rejected our request: doc is missing path: "${op.path}"`);
    }
    if (Array.isArray(container)) {
      const index = field === '-' ? container.length : Number(field);
      if (op.op === 'add') container.splice(index, 0, structuredClone(op.value));
      else if (op.op === 'remove') container.splice(index, 1);
      else if (op.op === 'replace') container[index] = structuredClone(op.value);
      else if (op.op === 'test' && JSON.stringify(container[index]) !== JSON.stringify(op.value)) {
        throw jsonPatchFailure(`the server rejected our request: testing value ${op.path} failed`);
      }
      continue;
    }
    const record = container as Record<string, unknown>;
    if (op.op === 'add' || op.op === 'replace') {
      if (op.op === 'replace' && !Object.hasOwn(record, field)) {
        throw jsonPatchFailure(
          `the server rejected our request: replace operation does not apply: doc is missing key: ${op.path}`,
        );
      }
      record[field] = structuredClone(op.value);
    } else if (op.op === 'remove') {
      if (!Object.hasOwn(record, field)) {
        throw jsonPatchFailure(
          `the server rejected our request: remove operation does not apply: doc is missing path: "${op.path}"`,
        );
      }
      delete record[field];
    } else if (op.op === 'test') {
      if (JSON.stringify(record[field]) !== JSON.stringify(op.value)) {
        throw jsonPatchFailure(`the server rejected our request: testing value ${op.path} failed`);
      }
    } else {
      throw badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return root.value;
}

export function applyPatch(contentType: string, target: unknown, patch: unknown): unknown {
  const type = contentType.split(';')[0]?.trim();
  if (type === MERGE_PATCH) return mergePatch(target, patch);
  if (type === STRATEGIC_MERGE_PATCH) return strategicMergePatch(target, patch);
  if (type === JSON_PATCH) return jsonPatch(target, patch);
  throw new KubeError(
    failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${JSON_PATCH}, ${MERGE_PATCH}, ${STRATEGIC_MERGE_PATCH}`,
    ),
  );
}
