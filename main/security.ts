import { SessionName } from '../protocol';

export interface SecureWebPreferences {
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  preload: string;
}

export function secureWebPreferences(preloadPath: string): SecureWebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    preload: preloadPath,
  };
}

/**
 * `scheme://host[:port]` of a URL, or null for URLs without an authority (about:, data:, file:,
 * javascript:). WHATWG `URL.origin` is "null" for custom schemes such as app://, hence the rebuild.
 */
export function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol === 'file:' || !parsed.host) return null;
  return `${parsed.protocol}//${parsed.host}`;
}

function originIn(url: string | undefined | null, origins: string | readonly string[]): boolean {
  const origin = originOf(url);
  if (origin === null) return false;
  return typeof origins === 'string' ? origin === origins : origins.includes(origin);
}

/** Windows may only ever show our renderer; anything else would run with the bridge exposed. */
export function isAllowedNavigation(url: string, allowedOrigins: readonly string[]): boolean {
  return originIn(url, allowedOrigins);
}

/**
 * IPC answers carry tokens, so only frames showing our renderer may ask; a subframe or a window that
 * somehow navigated elsewhere must not.
 */
export function isTrustedSender(
  frameUrl: string | undefined | null,
  appOrigin: string | readonly string[],
): boolean {
  return originIn(frameUrl, appOrigin);
}

const HTTP_SOURCE = /^(https?):\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(:(?:[0-9]{1,5}|\*))?(?:\/|$)/;

/**
 * http(s) sources of the control plane plus their WebSocket twins, for connect-src. A port may be
 * `*`: the local stack moves to another port when it restarts, and a document keeps the CSP it loaded with.
 */
function withWebSocketOrigins(sources: readonly string[]): string[] {
  const out: string[] = [];
  for (const source of sources) {
    const match = HTTP_SOURCE.exec(source.toLowerCase());
    if (!match) continue;
    const [, scheme, host, port = ''] = match;
    out.push(`${scheme}://${host}${port}`, `${scheme === 'https' ? 'wss' : 'ws'}://${host}${port}`);
  }
  return [...new Set(out)];
}

export interface CspOptions {
  /** Control-plane origins the renderer talks to over REST and WebSocket (events, VNC); `:*` allowed. */
  backendOrigins: readonly string[];
  /** The Vite dev server injects an inline React Refresh preamble and talks HMR over a WebSocket. */
  devServerOrigin?: string;
}

export function buildCsp(options: CspOptions): string {
  const backend = withWebSocketOrigins(options.backendOrigins);
  const dev = options.devServerOrigin ? withWebSocketOrigins([options.devServerOrigin]) : [];
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'none'"]],
    ['script-src', ["'self'", ...(options.devServerOrigin ? ["'unsafe-inline'"] : [])]],
    // React and noVNC set inline style attributes; styles cannot run code.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:', ...backend.filter((o) => o.startsWith('http'))]],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'", ...backend, ...dev]],
    ['worker-src', ["'self'", 'blob:']],
    ['media-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/** Response headers with our CSP replacing any other, whatever its capitalisation. */
export function withCsp(
  headers: Record<string, string | string[]> | undefined,
  csp: string,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/** Permissions the viewer needs: clipboard sync with the session and fullscreen. Everything else is denied. */
const allowedPermissions: ReadonlySet<string> = new Set([
  'clipboard-read',
  'clipboard-sanitized-write',
  'fullscreen',
]);

export function isAllowedPermission(
  permission: string,
  requestingUrl: string | undefined,
  trustedOrigins: readonly string[],
): boolean {
  return allowedPermissions.has(permission) && originIn(requestingUrl, trustedOrigins);
}

export type WindowOpenDecision =
  | { kind: 'viewer'; name: string }
  | { kind: 'external'; url: string }
  | { kind: 'deny' };

/**
 * What to do with a `window.open` or target=_blank link. Viewer routes become native session windows;
 * plain web links go to the user's browser; nothing ever opens a new Electron window directly.
 */
export function classifyWindowOpen(url: string, rendererOrigins: readonly string[]): WindowOpenDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'deny' };
  }
  if (originIn(url, rendererOrigins)) {
    const match = /^#\/viewer\/([^/?#]+)$/.exec(parsed.hash);
    if (!match) return { kind: 'deny' };
    let name: string;
    try {
      name = decodeURIComponent(match[1]!);
    } catch {
      return { kind: 'deny' };
    }
    return SessionName.safeParse(name).success ? { kind: 'viewer', name } : { kind: 'deny' };
  }
  if ((parsed.protocol === 'https:' || parsed.protocol === 'http:') && !parsed.username && !parsed.password) {
    return { kind: 'external', url: parsed.toString() };
  }
  return { kind: 'deny' };
}
