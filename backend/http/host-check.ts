import type { IncomingMessage } from 'node:http';
import { type AddressInfo, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ApiErrorBody } from '../../protocol';
import { isLoopbackAddress } from './addresses';
import { HttpError } from './errors';

/**
 * How strictly `Host` is checked. A DNS-rebinding page reaches us under the attacker's own name, so
 * refusing names we were not given stops it:
 * - `loopback`: listening on loopback; only loopback names and the public URLs' hosts.
 * - `named`: listening beyond loopback with STREAMSPACE_PUBLIC_URL; also any address literal, since
 *   rebinding needs a name, while LAN clients and Kubernetes probes use addresses.
 * - `open`: listening beyond loopback without a public URL, e.g. behind a proxy that rewrites Host;
 *   we cannot know our names, so any is answered and a warning says so at start.
 */
export type HostMode = 'loopback' | 'named' | 'open';

export interface HostPolicy {
  mode(): HostMode;
  isAllowedHost(req: IncomingMessage): boolean;
  /** Says, once listening, whether DNS-rebinding protection is on. */
  announce(logger: Logger): void;
}

/** The host name of a `Host` header, lowercased, brackets and a trailing dot dropped; null if malformed. */
export function hostName(header: string | undefined): string | null {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]/@\s]+)(?::\d{1,5})?$/i.exec(header?.trim() ?? '');
  if (!m?.[1]) return null;
  let name = m[1].toLowerCase();
  if (name.startsWith('[')) name = name.slice(1, -1);
  if (name.endsWith('.')) name = name.slice(0, -1);
  return name || null;
}

export function createHostPolicy(options: {
  /** Origins from STREAMSPACE_PUBLIC_URL. */
  publicUrls: readonly string[];
  /** Where the server listens; read per request, since that is known only once it listens. */
  address: () => AddressInfo | string | null;
}): HostPolicy {
  const publicNames = new Set(
    options.publicUrls.map((u) => hostName(new URL(u).host)).filter((n): n is string => n !== null),
  );

  function mode(): HostMode {
    const address = options.address();
    // Not listening yet, or a pipe: only this host can connect, so be strict.
    if (address === null || typeof address === 'string' || isLoopbackAddress(address.address)) {
      return 'loopback';
    }
    return publicNames.size > 0 ? 'named' : 'open';
  }

  return {
    mode,
    isAllowedHost(req) {
      const current = mode();
      if (current === 'open') return true;
      const name = hostName(req.headers.host);
      if (name === null) return false;
      // Any port: a rebinding page cannot make a browser send a loopback name, whatever the port.
      if (name === 'localhost' || isLoopbackAddress(name) || publicNames.has(name)) return true;
      return current === 'named' && isIP(name) !== 0;
    },
    announce(logger) {
      const current = mode();
      if (current === 'open') {
        logger.warn(
          { address: options.address() },
          'listening beyond loopback without STREAMSPACE_PUBLIC_URL: every Host is answered, so ' +
            'DNS-rebinding protection is off until STREAMSPACE_PUBLIC_URL names this server',
        );
      } else {
        logger.info({ hostCheck: current, publicNames: [...publicNames] }, 'answering known host names only');
      }
    },
  };
}

const misdirected = () =>
  new HttpError(421, 'misdirected_request', 'this server does not answer for that host name');

export function hostCheck(policy: HostPolicy): RequestHandler {
  return (req, _res, next) => next(policy.isAllowedHost(req) ? undefined : misdirected());
}

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** The same check for WebSocket upgrades, which never reach express, before any route sees them. */
export function guardUpgrades(policy: HostPolicy, handle: UpgradeListener): UpgradeListener {
  return (req, socket, head) => {
    if (policy.isAllowedHost(req)) return handle(req, socket, head);
    socket.on('error', () => socket.destroy());
    const e = misdirected();
    const body = JSON.stringify({ error: { code: e.code, message: e.message } } satisfies ApiErrorBody);
    socket.end(
      `HTTP/1.1 421 Misdirected Request\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}
