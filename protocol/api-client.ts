import type { z } from 'zod';
import { type ClientOptions, createRestClient, type RestClient, wsUrlFor } from './lib/rest-client';
import { fillPath, type RestRoute } from './lib/route';
import { joinUrl } from './lib/urls';
import { API_PREFIX, type Routes, routes, type WsRoutes, wsRoutes } from './routes';

export type ApiClient = RestClient<Routes>;

/** The one typed client of the control plane, for main, the renderer, the benchmarks and the tests. */
export function createApiClient(options: ClientOptions): ApiClient {
  return createRestClient(API_PREFIX, routes, options);
}

/** The WebSocket URL of one of the control plane's socket routes. */
export function apiWebSocketUrl<K extends keyof WsRoutes>(
  baseUrl: string,
  name: K,
  input: { params?: z.input<WsRoutes[K]['params']>; query?: z.input<WsRoutes[K]['query']> } = {},
): string {
  return wsUrlFor(API_PREFIX, baseUrl, wsRoutes[name], input);
}

/** The server-relative path of a route, for logs, links and tests that send what no client would. */
export function apiPath(route: RestRoute | string, params?: Record<string, string>): string {
  return API_PREFIX + (typeof route === 'string' ? route : fillPath(route.path, params));
}

/** The absolute URL of a raw API path, for tests and tools that must send malformed requests. */
export function apiUrl(baseUrl: string, path: string): string {
  return joinUrl(baseUrl, API_PREFIX + path);
}
