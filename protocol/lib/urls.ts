/**
 * Joins a server's base URL, which may sit under a path prefix (https://host/streamspace), with an
 * absolute path, and sets the query. http→ws and https→wss when `webSocket` is set.
 */
export function joinUrl(
  baseUrl: string,
  path: string,
  query: Record<string, string | undefined> = {},
  webSocket = false,
): string {
  const url = new URL(baseUrl);
  if (webSocket) {
    if (url.protocol === 'http:') url.protocol = 'ws:';
    else if (url.protocol === 'https:') url.protocol = 'wss:';
    else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
      throw new Error(`unsupported server URL scheme ${url.protocol}`);
    }
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = '';
  url.hash = '';
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/** The WebSocket URL for `path` on the server at `baseUrl`. */
export function webSocketUrl(baseUrl: string, path: string, query: Record<string, string> = {}): string {
  return joinUrl(baseUrl, path, query, true);
}
