/**
 * The WebSocket URL for a backend path: http→ws, https→wss, keeping any base path the backend is
 * mounted under (https://host/streamspace + /api/v1/… → wss://host/streamspace/api/v1/…).
 */
export function webSocketUrl(baseUrl: string, path: string): string {
  const url = new URL(baseUrl);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new Error(`unsupported backend URL scheme ${url.protocol}`);
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = '';
  url.hash = '';
  return url.toString();
}
