import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../../protocol';

const STATUS: Record<number, { text: string; code: ErrorCode }> = {
  400: { text: 'Bad Request', code: 'invalid_request' },
  401: { text: 'Unauthorized', code: 'unauthorized' },
  403: { text: 'Forbidden', code: 'forbidden' },
  404: { text: 'Not Found', code: 'not_found' },
  409: { text: 'Conflict', code: 'conflict' },
  429: { text: 'Too Many Requests', code: 'rate_limited' },
};

export type RejectStatus = keyof typeof STATUS;

/** Refuses an upgrade with a plain HTTP answer in the API's error shape, before any WebSocket exists. */
export function reject(socket: Duplex, status: RejectStatus, message: string): void {
  const s = STATUS[status] ?? { text: 'Bad Request', code: 'invalid_request' };
  const body = JSON.stringify({ error: { code: s.code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${s.text}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Browsers send Origin on WebSockets; only the page's own origin and configured app origins may connect. */
export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** What every socket route's handler gets: the request, its socket and head, and the matched params. */
export interface UpgradeRequest {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  params: Record<string, string>;
  url: URL;
}
