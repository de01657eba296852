import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceApi } from './crud.js';
import type { Faults } from './faults.js';
import { checkPortForwardTarget } from './port-forward.js';
import { findResourceType, type ResourceType } from './resources.js';
import { patchScale, readScale, replaceScale } from './scale.js';
import { badRequest, KubeError, unauthorized } from './status.js';
import type { ObjectStore } from './store.js';
import type { Verb } from './types.js';
import type { WatchHub } from './watch.js';

// URL → resource/verb mapping for the REST paths client-node builds, plus auth and fault hooks.

export interface Route {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  verb: Verb;
  query: URLSearchParams;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  status: number;
}

export function parseRoute(method: string, rawUrl: string): Route | undefined {
  const url = new URL(rawUrl, 'http://fake');
  const parts = url.pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    [group, version, rest] = ['', parts[1] as string, parts.slice(2)];
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    [group, version, rest] = [parts[1] as string, parts[2] as string, parts.slice(3)];
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  if (plural === undefined || extra.length > 0) return undefined;
  const type = findResourceType(group, version, plural);
  if (type === undefined || (namespace !== undefined && !type.namespaced)) return undefined;
  if (type.namespaced && namespace === undefined && name !== undefined) return undefined;
  const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
  const verbs: Record<string, Verb> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
  const verb: Verb | undefined =
    method === 'GET' ? (name === undefined ? (watch ? 'watch' : 'list') : 'get') : verbs[method];
  if (verb === undefined) return undefined;
  return { type, namespace, name, subresource, verb, query: url.searchParams };
}

export interface RouterDeps {
  api: ResourceApi;
  store: ObjectStore;
  watches: WatchHub;
  faults: Faults;
  users: (token: string | undefined) => string | undefined;
  log: RequestLogEntry[];
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(`the body of the request was in an unknown format`);
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'audit-id': randomUUID(),
    'cache-control': 'no-cache, private',
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

export async function handleRequest(
  deps: RouterDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://fake');
  const entry: RequestLogEntry = { method, path: url.pathname, query: url.search.slice(1), status: 0 };
  deps.log.push(entry);
  const route = parseRoute(method, req.url ?? '/');
  try {
    const user = deps.users(bearerToken(req));
    if (user === undefined) throw unauthorized();
    if (route === undefined) {
      entry.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
      return;
    }
    const body = await readJson(req);
    deps.faults.check({
      verb: route.verb,
      type: route.type,
      subresource: route.subresource,
      namespace: route.namespace ?? '',
      name: route.name,
      user,
    });
    if (route.verb === 'watch') {
      entry.status = 200;
      deps.watches.serve({ type: route.type, namespace: route.namespace, query: route.query }, res);
      return;
    }
    const reply = dispatch(deps, route, body, req.headers['content-type'] ?? 'application/json');
    entry.status = reply.status;
    sendJson(res, reply.status, reply.body);
  } catch (error) {
    if (!(error instanceof KubeError)) throw error;
    entry.status = error.status.code ?? 500;
    sendJson(res, entry.status, error.status, error.headers);
  }
}

function dispatch(
  deps: RouterDeps,
  route: Route,
  body: unknown,
  contentType: string,
): { status: number; body: unknown } {
  const { api } = deps;
  const namespace = route.namespace ?? '';
  if (route.name === undefined) {
    if (route.verb === 'create') return api.create(route.type, namespace, body);
    return api.list(route.type, route.namespace, route.query);
  }
  const name = route.name;
  if (route.subresource === 'scale' && route.type.plural === 'deployments') {
    if (route.verb === 'get') return { status: 200, body: readScale(api, namespace, name) };
    if (route.verb === 'update') return { status: 200, body: replaceScale(api, namespace, name, body) };
    if (route.verb === 'patch')
      return { status: 200, body: patchScale(api, namespace, name, contentType, body) };
  }
  if ((route.subresource === 'portforward' || route.subresource === 'exec') && route.type.plural === 'pods') {
    // Only reached without an Upgrade header; upgrades are taken by the server's 'upgrade' event.
    checkPortForwardTarget(deps.store.get(route.type, namespace, name), name, false);
  }
  if (route.subresource !== undefined) {
    throw new KubeError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      details: {},
      code: 404,
    });
  }
  const request = { type: route.type, namespace, name, query: route.query, body, contentType };
  switch (route.verb) {
    case 'get':
      return { status: 200, body: api.get(route.type, namespace, name) };
    case 'update':
      return api.replace(request);
    case 'patch':
      return api.patch(request);
    case 'delete':
      return api.delete(request);
    default:
      throw new KubeError({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `the server does not allow this method on the requested resource`,
        reason: 'MethodNotAllowed',
        details: {},
        code: 405,
      });
  }
}
