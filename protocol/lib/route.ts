import { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: anyone, a signed-in user, an admin, a registered agent (bearer agent
 * token), or the holder of a viewer ticket.
 */
export type RouteAuth = 'public' | 'user' | 'admin' | 'agent' | 'ticket';

/** The schema of a part a route does not take. */
export const none = z.undefined();
export type None = typeof none;

export interface RestRoute<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
  A extends RouteAuth = RouteAuth,
> {
  readonly kind: 'rest';
  readonly method: HttpMethod;
  /** Relative to the API prefix, with `:param` segments. */
  readonly path: string;
  readonly auth: A;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** The answer's schema; `none` for an empty 204. */
  readonly response: R;
  /** Status of a successful answer. */
  readonly status: number;
  /** `text` for answers that are not JSON (Prometheus metrics); `bytes` for a file or an image, as a Uint8Array. */
  readonly responseType: 'json' | 'text' | 'bytes';
  /** Error codes this route can answer with, besides the ones every route can (invalid_request, internal). */
  readonly errors: readonly string[];
}

export interface WsRoute<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  readonly kind: 'ws';
  readonly path: string;
  readonly auth: RouteAuth;
  readonly params: P;
  readonly query: Q;
  /** Refusals before the upgrade, as HTTP answers in the API's error shape. */
  readonly errors: readonly string[];
}

export type AnyRoute = RestRoute | WsRoute;

interface RestDefinition<P, Q, B, R, A> {
  method: HttpMethod;
  path: string;
  auth: A;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  status?: number;
  responseType?: 'json' | 'text' | 'bytes';
  errors: readonly string[];
}

export function rest<
  R extends z.ZodType,
  P extends z.ZodType = None,
  Q extends z.ZodType = None,
  B extends z.ZodType = None,
  A extends RouteAuth = RouteAuth,
>(def: RestDefinition<P, Q, B, R, A>): RestRoute<P, Q, B, R, A> {
  return {
    kind: 'rest',
    method: def.method,
    path: def.path,
    auth: def.auth,
    params: (def.params ?? none) as P,
    query: (def.query ?? none) as Q,
    body: (def.body ?? none) as B,
    response: def.response,
    status: def.status ?? ((def.response as z.ZodType) === none ? 204 : 200),
    responseType: def.responseType ?? 'json',
    errors: def.errors,
  };
}

export function ws<P extends z.ZodType = None, Q extends z.ZodType = None>(def: {
  path: string;
  auth: RouteAuth;
  params?: P;
  query?: Q;
  errors: readonly string[];
}): WsRoute<P, Q> {
  return {
    kind: 'ws',
    path: def.path,
    auth: def.auth,
    params: (def.params ?? none) as P,
    query: (def.query ?? none) as Q,
    errors: def.errors,
  };
}

/** The route's path with its `:params` filled in, each encoded as one path segment. */
export function fillPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/:([A-Za-z]+)/g, (_m, key: string) => {
    const value = params?.[key];
    if (value === undefined) throw new Error(`missing path parameter ${key} for ${path}`);
    return encodeURIComponent(value);
  });
}

/**
 * The params of `pathname` if it matches the route's path, else null. Each `:param` matches one
 * non-empty segment, decoded; a segment that does not decode matches nothing.
 */
export function matchPath(path: string, pathname: string): Record<string, string> | null {
  const want = path.split('/');
  const got = pathname.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) {
      if (!g) return null;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) return null;
  }
  return params;
}

/** Flat string query values, as an URL takes them; numbers and booleans become strings. */
export function queryRecord(query: unknown): Record<string, string | undefined> {
  if (query === undefined || query === null) return {};
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) {
    if (v !== undefined) out[k] = String(v);
  }
  return out;
}
