/** Joins the control plane's base URL (which may sit under a path prefix) with an API path. */
export function apiUrl(baseUrl: string, path: string): string {
  const url = new URL(baseUrl);
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  return url.toString();
}

/** The WebSocket URL for `path` on the same server: http → ws, https → wss. */
export function webSocketUrl(baseUrl: string, path: string, query: Record<string, string> = {}): string {
  const url = new URL(apiUrl(baseUrl, path));
  if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol === 'http:') url.protocol = 'ws:';
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.toString();
}

export const EVENTS_PATH = '/api/v1/events';

export function sessionPath(name: string, suffix = ''): string {
  return `/api/v1/sessions/${encodeURIComponent(name)}${suffix}`;
}

/** The ticket is single use and short lived; the access token never goes into this URL. */
export function vncUrl(baseUrl: string, sessionName: string, ticket: string): string {
  return webSocketUrl(baseUrl, sessionPath(sessionName, '/vnc'), { ticket });
}
