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

/** Permissions the viewer needs: clipboard sync with the session, and fullscreen. Everything else is denied. */
const viewerPermissions: ReadonlySet<string> = new Set([
  'clipboard-read',
  'clipboard-sanitized-write',
  'fullscreen',
]);

/** The session a renderer URL's viewer route shows, or null for any other URL. */
export function viewerSessionOf(
  url: string | undefined | null,
  rendererOrigins: readonly string[],
): string | null {
  if (!url || !originIn(url, rendererOrigins)) return null;
  const match = /^#\/viewer\/([^/?#]+)$/.exec(new URL(url).hash);
  if (!match) return null;
  let name: string;
  try {
    name = decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
  return SessionName.safeParse(name).success ? name : null;
}

export interface PermissionContext {
  /** The frame that asked (Electron's `details.requestingUrl`). */
  requestingUrl: string | undefined;
  /** The page of the window it lives in (`webContents.getURL()`), which says whether it is a viewer. */
  pageUrl: string | undefined;
}

/**
 * Only a session viewer may touch the clipboard or go fullscreen: the dashboard has no use for either,
 * and a permission the dashboard never holds cannot leak through it.
 */
export function isAllowedPermission(
  permission: string,
  context: PermissionContext,
  trustedOrigins: readonly string[],
): boolean {
  return (
    viewerPermissions.has(permission) &&
    originIn(context.requestingUrl, trustedOrigins) &&
    viewerSessionOf(context.pageUrl, trustedOrigins) !== null
  );
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
    const name = viewerSessionOf(url, rendererOrigins);
    return name ? { kind: 'viewer', name } : { kind: 'deny' };
  }
  if ((parsed.protocol === 'https:' || parsed.protocol === 'http:') && !parsed.username && !parsed.password) {
    return { kind: 'external', url: parsed.toString() };
  }
  return { kind: 'deny' };
}

/** Documentation the app links to (the local runtime and Kubernetes settings). Exact origins, https only. */
export const DOCUMENTATION_ORIGINS: readonly string[] = [
  'https://kubernetes.io',
  'https://kind.sigs.k8s.io',
  'https://docs.docker.com',
];

/** Where links open without a question: the active profile's server and the documentation. */
export function externalAllowList(serverUrl: string | null | undefined): string[] {
  const server = originOf(serverUrl);
  return server ? [server, ...DOCUMENTATION_ORIGINS] : [...DOCUMENTATION_ORIGINS];
}

export type ExternalLinkDecision =
  | { kind: 'open'; url: string }
  | { kind: 'ask'; url: string }
  | { kind: 'deny' };

/**
 * `shell.openExternal` hands a URL to the OS, which runs whatever handles its scheme (file:, smb:,
 * ms-msdt: have all been used to run code). So only http(s) without credentials ever leaves the app:
 * on the allow-list at once, elsewhere after the user agrees. Other schemes are refused without a
 * question, as a question is exactly what such an attack hopes to get a yes to.
 */
export function externalLinkDecision(url: string, allowedOrigins: readonly string[]): ExternalLinkDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'deny' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { kind: 'deny' };
  if (parsed.username || parsed.password) return { kind: 'deny' };
  const href = parsed.toString();
  return originIn(href, allowedOrigins) ? { kind: 'open', url: href } : { kind: 'ask', url: href };
}

/** A yes/no question for the user; the adapter shows it as a dialog with Cancel as the default. */
export interface Prompt {
  message: string;
  detail: string;
  confirm: string;
}

export function externalLinkPrompt(url: string): Prompt {
  const host = new URL(url).host;
  return {
    message: `Open ${host} in your browser?`,
    detail: `${url.length > 300 ? `${url.slice(0, 300)}…` : url}\n\nThis site is not your StreamSpace server or its documentation.`,
    confirm: 'Open',
  };
}

export interface ExternalLinkDeps {
  allowedOrigins(): readonly string[];
  openExternal(url: string): Promise<void>;
  confirm(prompt: Prompt): Promise<boolean>;
}

/** Every `shell.openExternal` of the app goes through here. */
export async function openExternalLink(
  url: string,
  deps: ExternalLinkDeps,
): Promise<'opened' | 'declined' | 'denied'> {
  const decision = externalLinkDecision(url, deps.allowedOrigins());
  if (decision.kind === 'deny') return 'denied';
  if (decision.kind === 'ask' && !(await deps.confirm(externalLinkPrompt(decision.url)))) return 'declined';
  await deps.openExternal(decision.url);
  return 'opened';
}
