import type { z } from 'zod';
import { ApiErrorBody } from '../errors';
import { fillPath, type None, queryRecord, type RestRoute, type WsRoute } from './route';
import { joinUrl, webSocketUrl } from './urls';

/** Every failed call: the server's code and message when it sent them, else one made from the status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** 0 when no answer came at all. */
    readonly status: number,
    /** The server's error code, or 'network' / 'invalid_response' for failures that never reach it. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Seconds, from a 429's Retry-After. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

const codeByStatus: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  421: 'misdirected_request',
  429: 'rate_limited',
  503: 'no_agent',
};

/**
 * Turns a failed answer into an ApiError. Proxies and crashed handlers answer with HTML or
 * nothing, so a body that is not ApiErrorBody still yields a usable code from the status.
 */
export function apiErrorFrom(status: number, body: unknown, retryAfter?: number): ApiError {
  const parsed = ApiErrorBody.safeParse(body);
  if (parsed.success) {
    const e = parsed.data.error;
    return new ApiError(status, e.code, e.message, e.details, retryAfter);
  }
  return new ApiError(
    status,
    codeByStatus[status] ?? 'internal',
    `The server answered ${status}.`,
    undefined,
    retryAfter,
  );
}

type Part<K extends string, S extends z.ZodType> = S extends None
  ? { [k in K]?: undefined }
  : undefined extends z.input<S>
    ? { [k in K]?: z.input<S> }
    : { [k in K]: z.input<S> };

/** What a call of `R` takes: its path params, query and body, each only where the route has one. */
export type RouteInput<R extends RestRoute> = Part<'params', R['params']> &
  Part<'query', R['query']> &
  Part<'body', R['body']>;

type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];
/** The input is optional when nothing in it is required. */
export type CallArgs<R extends RestRoute> =
  RequiredKeys<RouteInput<R>> extends never ? [input?: RouteInput<R>] : [input: RouteInput<R>];

export type RouteOutput<R extends RestRoute> = z.output<R['response']>;

export interface PreparedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** The server's base URL, without the API prefix; it may sit under a path (https://host/base). */
  baseUrl: string | (() => string | Promise<string>);
  fetch?: Fetch;
  /** The bearer token to send, if any. */
  token?: () => string | null | undefined | Promise<string | null | undefined>;
  /**
   * Called when a call that carried a token got a 401; a new token retries the call once. Null, or
   * a second 401, calls `onSignedOut` and fails with the 401.
   */
  refresh?: () => Promise<string | null>;
  onSignedOut?: () => void | Promise<void>;
  timeoutMs?: number;
}

function retryAfterOf(response: Response): number | undefined {
  const v = Number(response.headers.get('retry-after'));
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const ACCEPT = { json: 'application/json', text: 'text/plain', bytes: '*/*' } as const;

/** The URL and JSON body of a call; the schemas of the input are the caller's types, not checked here. */
export function prepare(
  prefix: string,
  baseUrl: string,
  route: RestRoute,
  input: { params?: unknown; query?: unknown; body?: unknown } | undefined,
): PreparedRequest {
  const path = prefix + fillPath(route.path, input?.params as Record<string, string> | undefined);
  const headers: Record<string, string> = {
    Accept: ACCEPT[route.responseType],
  };
  const body = input?.body === undefined ? undefined : JSON.stringify(input.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return { method: route.method, url: joinUrl(baseUrl, path, queryRecord(input?.query)), headers, body };
}

export type RestClient<T extends Record<string, RestRoute>> = {
  [K in keyof T]: (...args: CallArgs<T[K]>) => Promise<RouteOutput<T[K]>>;
};

/**
 * One typed client for a route table: a method per route that builds the URL from the route's
 * path, sends the JSON body, and parses the answer with the route's response schema.
 */
export function createRestClient<T extends Record<string, RestRoute>>(
  prefix: string,
  table: T,
  options: ClientOptions,
): RestClient<T> {
  const doFetch: Fetch = options.fetch ?? ((url, init) => fetch(url, init));
  const base = async () => (typeof options.baseUrl === 'string' ? options.baseUrl : options.baseUrl());

  async function send(req: PreparedRequest, token: string | null | undefined): Promise<Response> {
    const headers = token ? { ...req.headers, Authorization: `Bearer ${token}` } : req.headers;
    try {
      return await doFetch(req.url, {
        method: req.method,
        headers,
        body: req.body,
        ...(options.timeoutMs ? { signal: AbortSignal.timeout(options.timeoutMs) } : {}),
      });
    } catch (cause) {
      const detail =
        cause instanceof Error && cause.cause instanceof Error
          ? cause.cause.message
          : cause instanceof Error
            ? cause.message
            : String(cause);
      throw new ApiError(0, 'network', `Cannot reach ${new URL(req.url).origin}: ${detail}`);
    }
  }

  async function signedOut(response: Response): Promise<never> {
    await options.onSignedOut?.();
    throw apiErrorFrom(401, await readBody(response));
  }

  async function call(route: RestRoute, input: Parameters<typeof prepare>[3]): Promise<unknown> {
    const req = prepare(prefix, await base(), route, input);
    const token = route.auth === 'public' ? undefined : await options.token?.();
    let response = await send(req, token);
    if (response.status === 401 && token && options.refresh) {
      const fresh = await options.refresh();
      if (!fresh) return signedOut(response);
      await response.body?.cancel();
      response = await send(req, fresh);
      if (response.status === 401) return signedOut(response);
    }
    const payload =
      route.responseType === 'text'
        ? await response.text()
        : // A bytes route's errors are JSON like any other's.
          route.responseType === 'bytes' && response.ok
          ? new Uint8Array(await response.arrayBuffer())
          : await readBody(response);
    if (!response.ok) throw apiErrorFrom(response.status, payload, retryAfterOf(response));
    const parsed = route.response.safeParse(payload);
    if (!parsed.success) {
      throw new ApiError(
        response.status,
        'invalid_response',
        `Unexpected answer from ${req.method} ${route.path}`,
      );
    }
    return parsed.data;
  }

  const client: Record<string, (input?: Parameters<typeof prepare>[3]) => Promise<unknown>> = {};
  for (const [name, route] of Object.entries(table)) client[name] = (input) => call(route, input);
  return client as RestClient<T>;
}

/** The URL of a WebSocket route, with its params and query; tickets go in the query, tokens never. */
export function wsUrlFor<R extends WsRoute>(
  prefix: string,
  baseUrl: string,
  route: R,
  input: { params?: z.input<R['params']>; query?: z.input<R['query']> } = {},
): string {
  const path = prefix + fillPath(route.path, input.params as Record<string, string> | undefined);
  return webSocketUrl(baseUrl, path, queryRecord(input.query) as Record<string, string>);
}
