import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { connectUnix } from '../runtimes/local/unix-socket';
import { vncAuthResponse } from '../thumbnails/des';

/**
 * The one raw RFB 3.8 client of the agent tests, the integration tests and the benchmarks:
 * VncAuth, raw encoding and framebuffer update requests, over TCP, a WebSocket or any stream.
 */

/**
 * Collects chunks from a stream or WebSocket and hands out exact byte counts, for speaking a
 * binary protocol. Chunks are kept as they came (no concatenation), so a fast stream costs no copies.
 */
export class ByteReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private wake: (() => void) | null = null;
  private waitingFor = 0;
  private ended: Error | null = null;

  /** With a stream, reads from it (and `readGreeting` answers on it); without, feed it with `push`. */
  constructor(
    readonly socket?: Duplex,
    readonly timeoutMs = 5_000,
  ) {
    if (!socket) return;
    socket.on('data', (chunk: Buffer) => this.push(chunk));
    socket.on('end', () => this.fail(new Error('connection closed')));
    socket.on('close', () => this.fail(new Error('connection closed')));
    socket.on('error', (error: Error) => this.fail(error));
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.wake && this.length >= this.waitingFor) this.wake();
  }

  /** No more bytes will come: reads that the buffer cannot satisfy fail with `error`. */
  fail(error: Error): void {
    this.ended ??= error;
    this.wake?.();
  }

  async read(length: number, timeoutMs = this.timeoutMs): Promise<Buffer> {
    await this.need(length, timeoutMs);
    return this.take(length, true);
  }

  /** Drops `length` bytes without copying them; for pixel data nobody looks at. */
  async skip(length: number, timeoutMs = this.timeoutMs): Promise<void> {
    let left = length;
    while (left > 0) {
      await this.need(1, timeoutMs);
      const k = Math.min(left, this.length);
      this.take(k, false);
      left -= k;
    }
  }

  private async need(length: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.length < length) {
      if (this.ended) throw this.ended;
      const remaining = deadline - Date.now();
      if (timeoutMs > 0 && remaining <= 0) throw new Error(`timed out waiting for ${length} bytes`);
      await new Promise<void>((resolve) => {
        const timer = timeoutMs > 0 ? setTimeout(resolve, remaining) : undefined;
        this.waitingFor = length;
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  private take(length: number, copy: boolean): Buffer {
    const out = copy ? Buffer.allocUnsafe(length) : Buffer.alloc(0);
    let offset = 0;
    while (offset < length) {
      const head = this.chunks[0] as Buffer;
      const k = Math.min(head.length, length - offset);
      if (copy) head.copy(out, offset, 0, k);
      offset += k;
      if (k === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(k);
    }
    this.length -= length;
    return out;
  }
}

/** Where an RFB client reads and writes: a TCP socket, a WebSocket, or any duplex stream. */
export interface RfbTransport {
  reader: ByteReader;
  send(data: Buffer): void;
  close(): void;
}

/** A transport over a stream, such as a runtime's `openStream`. */
export function streamTransport(stream: Duplex, timeoutMs?: number): RfbTransport {
  return {
    reader: new ByteReader(stream, timeoutMs),
    send: (data) => void stream.write(data),
    close: () => stream.destroy(),
  };
}

/** Waits for a benchmark's whole update at most this long; tests keep ByteReader's 5 s. */
const TRANSPORT_TIMEOUT_MS = 30_000;

export function tcpTransport(port: number, host = '127.0.0.1'): Promise<RfbTransport> {
  return socketTransport(connect({ port, host, noDelay: true }));
}

/** A local session's RFB socket (its session dir's vnc.sock), as this account reaches it. */
export function unixTransport(path: string): Promise<RfbTransport> {
  return socketTransport(connectUnix(path));
}

function socketTransport(socket: Socket): Promise<RfbTransport> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(streamTransport(socket, TRANSPORT_TIMEOUT_MS));
    });
  });
}

export function wsTransport(url: string, headers: Record<string, string> = {}): Promise<RfbTransport> {
  return new Promise((resolve, reject) => {
    const reader = new ByteReader(undefined, TRANSPORT_TIMEOUT_MS);
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    ws.on('message', (d: Buffer) => reader.push(d));
    ws.on('close', (code, reason) => reader.fail(new Error(`websocket closed ${code} ${reason.toString()}`)));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () => resolve({ reader, send: (d) => ws.send(d), close: () => ws.close() }));
  });
}

export interface RfbGreeting {
  version: string;
  securityTypes: number[];
}

export type VncAuthResult =
  | { kind: 'ok'; width: number; height: number; name: string }
  | { kind: 'refused'; reason: string };

interface ServerInit {
  kind: 'ok';
  width: number;
  height: number;
  bytesPerPixel: number;
  name: string;
}

function transportOf(from: ByteReader | RfbTransport): RfbTransport {
  if (!(from instanceof ByteReader)) return from;
  const socket = from.socket;
  if (!socket) throw new Error('a ByteReader without a stream cannot answer the server');
  return { reader: from, send: (d) => void socket.write(d), close: () => socket.destroy() };
}

/** Reads the server's version, answers 3.8, and reads the security types it offers. */
export async function readGreeting(from: ByteReader | RfbTransport): Promise<RfbGreeting> {
  const { reader, send } = transportOf(from);
  const version = (await reader.read(12)).toString('latin1').trimEnd();
  if (!version.startsWith('RFB 003.')) throw new Error(`not an RFB server: ${JSON.stringify(version)}`);
  send(Buffer.from('RFB 003.008\n', 'latin1'));
  const count = (await reader.read(1))[0] as number;
  if (count === 0) {
    const reason = await reader.read((await reader.read(4)).readUInt32BE(0));
    throw new Error(`server refused: ${reason.toString('utf8')}`);
  }
  return { version, securityTypes: [...(await reader.read(count))] };
}

/** Runs an RFB 3.8 VncAuth handshake up to ServerInit (shared session). */
async function authenticate(
  t: RfbTransport,
  password: string,
): Promise<ServerInit | Exclude<VncAuthResult, { kind: 'ok' }>> {
  const { reader } = t;
  const greeting = await readGreeting(t);
  if (!greeting.securityTypes.includes(2)) throw new Error(`no VncAuth in ${greeting.securityTypes}`);
  t.send(Buffer.from([2]));
  const challenge = await reader.read(16);
  t.send(vncAuthResponse(password, challenge));
  if ((await reader.read(4)).readUInt32BE(0) !== 0) {
    const length = (await reader.read(4)).readUInt32BE(0);
    return { kind: 'refused', reason: (await reader.read(length)).toString('utf8') };
  }
  t.send(Buffer.from([1]));
  const init = await reader.read(24);
  const name = (await reader.read(init.readUInt32BE(20))).toString('utf8');
  return {
    kind: 'ok',
    width: init.readUInt16BE(0),
    height: init.readUInt16BE(2),
    bytesPerPixel: (init[4] as number) / 8,
    name,
  };
}

/** Connects to a VNC server (a loopback port or a Unix socket), authenticates, and says how far it got. */
export async function vncAuthHandshake(
  target: number | { path: string },
  password: string,
): Promise<VncAuthResult> {
  const t = await (typeof target === 'number' ? tcpTransport(target) : unixTransport(target.path));
  try {
    const result = await authenticate(t, password);
    if (result.kind !== 'ok') return result;
    return { kind: 'ok', width: result.width, height: result.height, name: result.name };
  } finally {
    t.close();
  }
}

export interface RfbSession {
  width: number;
  height: number;
  bytesPerPixel: number;
  name: string;
  /** Asks for an update and resolves when the whole of it has arrived. */
  update(incremental: boolean): Promise<{ rects: number; bytes: number }>;
  /** Resolves at the first byte of the next framebuffer update (for time-to-first-frame). */
  requestAndWaitFirstByte(): Promise<void>;
  close(): void;
}

/** A signed-in session asking for raw encoding only, so every byte the session draws crosses the path. */
export async function rfbConnect(t: RfbTransport, password: string): Promise<RfbSession> {
  const q = t.reader;
  const init = await authenticate(t, password);
  if (init.kind === 'refused') throw new Error(`VncAuth failed: ${init.reason}`);
  const { width, height, bytesPerPixel, name } = init;
  const enc = Buffer.alloc(8);
  enc.writeUInt8(2, 0);
  enc.writeUInt16BE(1, 2);
  enc.writeInt32BE(0, 4);
  t.send(enc);

  const request = (incremental: boolean) => {
    const m = Buffer.alloc(10);
    m.writeUInt8(3, 0);
    m.writeUInt8(incremental ? 1 : 0, 1);
    m.writeUInt16BE(width, 6);
    m.writeUInt16BE(height, 8);
    t.send(m);
  };

  /** Reads server messages until a framebuffer update header; returns its rect count. */
  const nextUpdateHeader = async (): Promise<number> => {
    for (;;) {
      const type = (await q.read(1))[0];
      if (type === 0) return (await q.read(3)).readUInt16BE(1);
      if (type === 2) continue; // bell
      if (type === 3) {
        await q.skip(3);
        await q.skip((await q.read(4)).readUInt32BE(0));
        continue;
      }
      if (type === 1) {
        const h = await q.read(5);
        await q.skip(h.readUInt16BE(3) * 6);
        continue;
      }
      throw new Error(`unexpected RFB message type ${type}`);
    }
  };

  const readRects = async (rects: number) => {
    let bytes = 0;
    for (let i = 0; i < rects; i++) {
      const h = await q.read(12);
      const encoding = h.readInt32BE(8);
      if (encoding === 0) {
        const n = h.readUInt16BE(4) * h.readUInt16BE(6) * bytesPerPixel;
        await q.skip(n);
        bytes += n;
      } else if (encoding !== -223) {
        // -223 is the DesktopSize pseudo-rect, which carries no data.
        throw new Error(`unexpected encoding ${encoding}`);
      }
    }
    return bytes;
  };

  return {
    width,
    height,
    bytesPerPixel,
    name,
    async update(incremental) {
      request(incremental);
      const rects = await nextUpdateHeader();
      return { rects, bytes: await readRects(rects) };
    },
    async requestAndWaitFirstByte() {
      request(false);
      const b = await q.read(1);
      if (b[0] !== 0) throw new Error(`expected a framebuffer update, got message ${b[0]}`);
    },
    close: () => t.close(),
  };
}
