import { z } from 'zod';
import { SessionName, TemplateName } from '../protocol';
import { DEEP_LINK_SCHEME } from './app-protocol';
import { ServerUrl } from './profiles';

export interface ServerRequest {
  url: string;
  name?: string;
}

/**
 * `streamspace://launch/<template>[?server=<url>]` and `streamspace://open/<session>[?server=<url>]`.
 * A link names what to do, never does it: launching asks first, and a server asks before it is added
 * or switched to (launch-requests.ts).
 */
export type DeepLink =
  | { action: 'launch'; template: string; server?: string }
  | { action: 'open'; session: string; server?: string };

export interface LaunchArgs {
  /** `--server <url> [--server-name <name>]`: offer to add (or switch to) a server profile. */
  server?: ServerRequest;
  /** `--hidden`: start in the tray only, as autostart at login would. */
  hidden: boolean;
  /** Deep links, which Windows and Linux pass as an argument; macOS sends `open-url` instead. */
  links: DeepLink[];
  /** Link arguments that did not parse, cut short: for the log, never acted on. */
  rejectedLinks: string[];
}

/** Browsers cap URLs near 2 kB; anything longer is not a link someone clicked. */
const MAX_LINK_LENGTH = 2048;

const LinkQuery = z.strictObject({ server: ServerUrl.optional() });

const decode = (segment: string): string | null => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
};

/**
 * Parses a deep link, or null if it is not one we accept. The text comes from any web page or
 * document the user clicked, so it is held to the same rules as the renderer's input: names parse as
 * the protocol's TemplateName or SessionName, nothing else rides along (credentials, fragments,
 * unknown parameters, extra path segments).
 */
export function parseDeepLink(text: string): DeepLink | null {
  if (text.length > MAX_LINK_LENGTH) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== `${DEEP_LINK_SCHEME}:` || url.username || url.password || url.port || url.hash) {
    return null;
  }
  // Windows hands links over with a trailing slash added; one is tolerated.
  const match = /^\/([^/]+)\/?$/.exec(url.pathname);
  const name = match ? decode(match[1]!) : null;
  if (name === null) return null;
  const params: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key in params) return null;
    params[key] = value;
  }
  const query = LinkQuery.safeParse(params);
  if (!query.success) return null;
  const server = query.data.server ? { server: query.data.server } : {};
  const action = url.hostname.toLowerCase();
  if (action === 'launch' && TemplateName.safeParse(name).success)
    return { action, template: name, ...server };
  if (action === 'open' && SessionName.safeParse(name).success) return { action, session: name, ...server };
  return null;
}

const isLinkLike = (arg: string) => arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`);

/**
 * Command-line options of the app, read at start and from a second instance; Chromium's own switches
 * pass through untouched. When the OS started us for a link, our own options are ignored: a link that
 * smuggles `--server` into the command line (CVE-2018-1000006 style) must not add anything.
 */
export function parseLaunchArgs(argv: readonly string[]): LaunchArgs {
  const result: LaunchArgs = { hidden: false, links: [], rejectedLinks: [] };
  const linkArgs = argv.filter(isLinkLike);
  for (const arg of linkArgs) {
    const link = parseDeepLink(arg);
    if (link) result.links.push(link);
    else result.rejectedLinks.push(arg.slice(0, 100));
  }
  if (linkArgs.length > 0) return result;

  const value = (i: number, name: string): [string | undefined, number] => {
    const arg = argv[i]!;
    if (arg.startsWith(`${name}=`)) return [arg.slice(name.length + 1), i];
    const next = argv[i + 1];
    return next !== undefined && !next.startsWith('--') ? [next, i + 1] : [undefined, i];
  };
  let name: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // Everything after `--` is an operand, never one of our options.
    if (arg === '--') break;
    if (arg === '--hidden') result.hidden = true;
    else if (arg === '--server' || arg.startsWith('--server=')) {
      const [url, next] = value(i, '--server');
      if (url) result.server = { url };
      i = next;
    } else if (arg === '--server-name' || arg.startsWith('--server-name=')) {
      [name, i] = value(i, '--server-name');
    }
  }
  if (result.server && name) result.server.name = name;
  return result;
}
