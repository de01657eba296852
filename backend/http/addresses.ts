import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** The eight 16-bit groups of an IPv6 address (zone dropped, a dotted IPv4 tail split in two), or null. */
export function ipv6Groups(ip: string): number[] | null {
  const bare = ip.split('%')[0] ?? '';
  if (isIP(bare) !== 6) return null;
  const halves = bare.split('::');
  const words = (part: string | undefined): number[] =>
    (part ? part.split(':') : []).flatMap((g) => {
      if (!g.includes('.')) return [Number.parseInt(g, 16)];
      const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
      return [(a << 8) | b, (c << 8) | d];
    });
  const head = words(halves[0]);
  if (halves.length === 1) return head;
  const tail = words(halves[1]);
  return [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** 127.0.0.0/8, ::1, and the IPv4-mapped form of the former. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  const groups = ipv6Groups(address);
  return groups?.every((g, i) => g === (i === 7 ? 1 : 0)) ?? false;
}

/** Who is signing in, as far as the login limiter needs to know. */
export interface LoginClient {
  /** The client's address after trusted proxies (`req.ip`). */
  ip: string;
  /**
   * True when the TCP peer is this host and nothing forwarded the request: a program on this
   * machine, not a reverse proxy speaking for someone else.
   */
  directLoopback: boolean;
}

export function loginClient(req: IncomingMessage & { ip?: string | undefined }): LoginClient {
  const forwarded = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  return {
    ip,
    directLoopback: !forwarded && isLoopbackAddress(req.socket.remoteAddress) && isLoopbackAddress(ip),
  };
}
