import { createCipheriv } from 'node:crypto';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { ByteQueue } from './byte-queue';

/**
 * A raw RFB 3.8 client for benchmarks: VncAuth, raw encoding, and framebuffer update requests.
 * VncAuth needs DES, which OpenSSL 3 only has in its legacy provider: run with
 * --openssl-legacy-provider (npm run bench does).
 */
export interface RfbTransport {
  queue: ByteQueue;
  send(data: Buffer): void;
  close(): void;
}

export function tcpTransport(port: number, host = '127.0.0.1'): Promise<RfbTransport> {
  return new Promise((resolve, reject) => {
    const queue = new ByteQueue();
    const socket = connect({ port, host, noDelay: true });
    socket.on('data', (d: Buffer) => queue.push(d));
    socket.on('close', () => queue.fail(new Error('connection closed')));
    socket.once('error', reject);
    socket.once('connect', () =>
      resolve({ queue, send: (d) => socket.write(d), close: () => socket.destroy() }),
    );
  });
}

export function wsTransport(url: string, headers: Record<string, string> = {}): Promise<RfbTransport> {
  return new Promise((resolve, reject) => {
    const queue = new ByteQueue();
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    ws.on('message', (d: Buffer) => queue.push(d));
    ws.on('close', (code, reason) => queue.fail(new Error(`websocket closed ${code} ${reason.toString()}`)));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () => resolve({ queue, send: (d) => ws.send(d), close: () => ws.close() }));
  });
}

function vncKey(password: string): Buffer {
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) {
    let b = key[i] as number;
    let r = 0;
    for (let bit = 0; bit < 8; bit++) {
      r = (r << 1) | (b & 1);
      b >>= 1;
    }
    key[i] = r;
  }
  return key;
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

export async function rfbConnect(t: RfbTransport, password: string): Promise<RfbSession> {
  const q = t.queue;
  const version = (await q.read(12)).toString('latin1');
  if (!version.startsWith('RFB 003.')) throw new Error(`not an RFB server: ${JSON.stringify(version)}`);
  t.send(Buffer.from('RFB 003.008\n', 'latin1'));
  const count = (await q.read(1))[0] as number;
  if (count === 0)
    throw new Error(`server refused: ${(await q.read((await q.read(4)).readUInt32BE(0))).toString()}`);
  const types = [...(await q.read(count))];
  if (!types.includes(2)) throw new Error(`server does not offer VncAuth: ${types.join(',')}`);
  t.send(Buffer.from([2]));
  const challenge = await q.read(16);
  const cipher = createCipheriv('des-ecb', vncKey(password), null);
  cipher.setAutoPadding(false);
  t.send(Buffer.concat([cipher.update(challenge), cipher.final()]));
  const result = (await q.read(4)).readUInt32BE(0);
  if (result !== 0) throw new Error('VncAuth failed');
  t.send(Buffer.from([1]));
  const init = await q.read(24);
  const width = init.readUInt16BE(0);
  const height = init.readUInt16BE(2);
  const bytesPerPixel = (init[4] as number) / 8;
  const name = (await q.read(init.readUInt32BE(20))).toString('utf8');
  // Raw only: every byte the session draws crosses the path, which is what a tunnel bench wants.
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
      const w = h.readUInt16BE(4);
      const hh = h.readUInt16BE(6);
      const encoding = h.readInt32BE(8);
      if (encoding === 0) {
        const n = w * hh * bytesPerPixel;
        await q.skip(n);
        bytes += n;
      } else if (encoding === -223) {
        // DesktopSize pseudo-rect: no data.
      } else {
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
      await q.read(1).then((b) => {
        if (b[0] !== 0) throw new Error(`expected a framebuffer update, got message ${b[0]}`);
      });
    },
    close: () => t.close(),
  };
}
