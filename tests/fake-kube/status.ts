import type { ResourceType } from './resources.js';
import type { Status, StatusDetails } from './types.js';

// Status bodies copy kube-apiserver 1.28 wording (see /work/shared/kubernetes) because clients
// and the agent's error mapping key off `reason` and `code`, and humans read `message`.

export class KubeError extends Error {
  constructor(
    readonly status: Status,
    readonly headers: Record<string, string> = {},
  ) {
    super(status.message ?? status.reason ?? String(status.code));
  }
}

export function failure(
  code: number,
  reason: string | undefined,
  message: string,
  details?: StatusDetails,
): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code };
  if (reason !== undefined) status.reason = reason;
  if (details !== undefined) status.details = details;
  return status;
}

/** "deployments.apps" for grouped resources, "pods" for the core group, as the apiserver prints them. */
export function qualifiedName(type: ResourceType): string {
  return type.group === '' ? type.plural : `${type.plural}.${type.group}`;
}

function details(type: ResourceType, name?: string): StatusDetails {
  const out: StatusDetails = {};
  if (name !== undefined) out.name = name;
  if (type.group !== '') out.group = type.group;
  out.kind = type.plural;
  return out;
}

export function notFound(type: ResourceType, name: string): KubeError {
  return new KubeError(
    failure(404, 'NotFound', `${qualifiedName(type)} "${name}" not found`, details(type, name)),
  );
}

export function alreadyExists(type: ResourceType, name: string): KubeError {
  return new KubeError(
    failure(409, 'AlreadyExists', `${qualifiedName(type)} "${name}" already exists`, details(type, name)),
  );
}

export function conflict(type: ResourceType, name: string): KubeError {
  const message =
    `Operation cannot be fulfilled on ${qualifiedName(type)} "${name}": the object has been modified; ` +
    'please apply your changes to the latest version and try again';
  return new KubeError(failure(409, 'Conflict', message, details(type, name)));
}

export interface ForbiddenRequest {
  type: ResourceType;
  verb: string;
  user: string;
  namespace: string;
  name?: string;
  subresource?: string;
}

export function forbidden(req: ForbiddenRequest): KubeError {
  const target =
    req.name === undefined ? qualifiedName(req.type) : `${qualifiedName(req.type)} "${req.name}"`;
  const resource = req.subresource === undefined ? req.type.plural : `${req.type.plural}/${req.subresource}`;
  const message =
    `${target} is forbidden: User "${req.user}" cannot ${req.verb} resource "${resource}" ` +
    `in API group "${req.type.group}" in the namespace "${req.namespace}"`;
  return new KubeError(failure(403, 'Forbidden', message, details(req.type, req.name)));
}

export function badRequest(message: string): KubeError {
  return new KubeError(failure(400, 'BadRequest', message));
}

export function invalid(
  kind: string,
  group: string,
  name: string,
  causes: { field: string; message: string; reason?: string }[],
): KubeError {
  const qualifiedKind = group === '' ? kind : `${kind}.${group}`;
  const summary = causes.map((c) => `${c.field}: ${c.message}`);
  const list = summary.length === 1 ? summary[0] : `[${summary.join(', ')}]`;
  const d: StatusDetails = { name };
  if (group !== '') d.group = group;
  d.kind = kind;
  d.causes = causes.map((c) => ({
    reason: c.reason ?? 'FieldValueInvalid',
    message: c.message,
    field: c.field,
  }));
  return new KubeError(failure(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${list}`, d));
}

export function unauthorized(): KubeError {
  return new KubeError(failure(401, 'Unauthorized', 'Unauthorized'));
}

export function expiredWatch(requested: number, oldest: number): Status {
  return failure(410, 'Expired', `too old resource version: ${requested} (${oldest})`);
}

export function success(type: ResourceType, name: string, uid: string | undefined): Status {
  const d = details(type, name);
  if (uid !== undefined) d.uid = uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: d };
}
