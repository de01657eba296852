import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'streamspace';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * The OS-level scheme of deep links (`streamspace://launch/<template>`), registered by
 * electron-builder.yml's `protocols`. Unlike app://, no page is ever served from it: a link is only
 * parsed (launch-args.ts) and acted on after the user confirms.
 */
export const DEEP_LINK_SCHEME = 'streamspace';

/**
 * Standard + secure gives the renderer a real origin (storage, fetch, module scripts) instead of
 * file://, which would share one origin with every file on disk.
 */
export const appSchemePrivileges = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
};

/** `entry` is APP_ENTRY, or the Vite dev server's URL during `electron-vite dev`. */
export const dashboardUrl = (entry: string) => `${entry}#/`;
export const settingsUrl = (entry: string) => `${entry}#/settings`;
export const viewerUrl = (entry: string, session: string) =>
  `${entry}#/viewer/${encodeURIComponent(session)}`;

/**
 * Maps an app:// URL to a file under `root`, or null when it is not ours or would leave `root`
 * (`..`, encoded slashes or backslashes, NUL bytes).
 */
export function resolveAppPath(url: string, root: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const base = resolve(root);
  const target = resolve(base, `.${pathname}`);
  const rel = relative(base, target);
  if (!rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return target;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export interface AppRequestOptions {
  root: string;
  /** Computed per request: it names the control plane, which changes with the profile. */
  csp: () => string;
  readFile?: (path: string) => Promise<Uint8Array>;
}

/** Serves the built renderer for `protocol.handle('app', …)`. */
export async function serveAppRequest(
  request: { url: string; method: string },
  options: AppRequestOptions,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } });
  }
  const path = resolveAppPath(request.url, options.root);
  if (!path) return new Response('Not found', { status: 404 });
  let body: Uint8Array;
  try {
    body = await (options.readFile ?? readFile)(path);
  } catch {
    return new Response('Not found', { status: 404 });
  }
  const type = contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream';
  const headers: Record<string, string> = {
    'content-type': type,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  };
  if (type.startsWith('text/html')) headers['content-security-policy'] = options.csp();
  return new Response(request.method === 'HEAD' ? null : Buffer.from(body), { status: 200, headers });
}
