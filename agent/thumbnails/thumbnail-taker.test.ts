import { connect, createServer, type Server, type Socket } from 'node:net';
import { decode } from 'jpeg-js';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentThumbnail, BackendThumbnailRequest } from '../../protocol';
import { ThumbnailTaker } from './thumbnail-taker';

/** An RFB 3.8 server with no security and a 64×40 screen of one colour, in raw 16 bpp. */
function fakeVnc(colour565: number, gate: Promise<void> = Promise.resolve()): Promise<Server> {
  const server = createServer((s: Socket) => {
    s.on('error', () => {});
    s.write('RFB 003.008\n');
    // Answers by how many bytes the client has sent: version 12, security 1, ClientInit 1, then
    // SetPixelFormat 20, SetEncodings (raw) 8 and the update request 10.
    let received = 0;
    let answered = 0;
    const steps: Array<[number, () => Promise<Buffer> | Buffer]> = [
      [12, () => Buffer.from([1, 1])],
      [13, () => Buffer.alloc(4)],
      [
        14,
        () => {
          const init = Buffer.alloc(24);
          init.writeUInt16BE(64, 0);
          init.writeUInt16BE(40, 2);
          return init;
        },
      ],
      [
        52,
        async () => {
          await gate;
          const header = Buffer.alloc(16);
          header.writeUInt16BE(1, 2);
          header.writeUInt16BE(64, 8);
          header.writeUInt16BE(40, 10);
          const pixels = Buffer.alloc(64 * 40 * 2);
          for (let i = 0; i < pixels.length; i += 2) pixels.writeUInt16LE(colour565, i);
          return Buffer.concat([header, pixels]);
        },
      ],
    ];
    s.on('data', async (chunk: Buffer) => {
      received += chunk.length;
      while (answered < steps.length && received >= (steps[answered]?.[0] ?? Infinity)) {
        const step = steps[answered++];
        if (step) s.write(await step[1]());
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const request = (requestId: string): BackendThumbnailRequest => ({
  type: 'thumbnail_request',
  requestId,
  session: 'admin-xterm-0000abcd',
  vncPassword: 'secret12',
  width: 32,
  maxBytes: 65_536,
});

describe('ThumbnailTaker', () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });

  function takerFor(server: Server | null, options: { concurrency?: number; maxWaiting?: number } = {}) {
    const sent: AgentThumbnail[] = [];
    const taker = new ThumbnailTaker({
      openStream: (session) =>
        new Promise((resolve, reject) => {
          if (!server) return reject(new Error(`no session ${session} on this agent`));
          const socket = connect((server.address() as { port: number }).port, '127.0.0.1');
          socket.once('connect', () => resolve(socket));
          socket.once('error', reject);
        }),
      send: (m) => {
        sent.push(m);
        return true;
      },
      logger: pino({ level: 'silent' }),
      ...options,
    });
    return { taker, sent };
  }

  it('answers with a scaled JPEG of the screen', async () => {
    const server = await fakeVnc(0xf800); // pure red in RGB565
    servers.push(server);
    const { taker, sent } = takerFor(server);
    const reply = await taker.answer(request('r1'));
    expect(sent).toEqual([reply]);
    if (!reply.ok) throw new Error(reply.message);
    expect([reply.width, reply.height, reply.mime]).toEqual([32, 20, 'image/jpeg']);
    const image = decode(Buffer.from(reply.data, 'base64'), { useTArray: true });
    expect(image.width).toBe(32);
    expect(image.data[0]).toBeGreaterThan(240);
    expect(image.data[1]).toBeLessThan(20);
  });

  it('answers a failure with its reason rather than throwing', async () => {
    const { taker } = takerFor(null);
    expect(await taker.answer(request('r2'))).toEqual({
      type: 'thumbnail',
      requestId: 'r2',
      ok: false,
      message: 'no session admin-xterm-0000abcd on this agent',
    });
  });

  it('takes at most `concurrency` at once and refuses beyond the waiting room', async () => {
    let open!: () => void;
    const server = await fakeVnc(0x001f, new Promise<void>((resolve) => (open = resolve)));
    servers.push(server);
    const { taker } = takerFor(server, { concurrency: 1, maxWaiting: 1 });
    const first = taker.answer(request('a'));
    const second = taker.answer(request('b'));
    const third = await taker.answer(request('c'));
    expect(third).toMatchObject({ ok: false, message: 'the agent is busy taking thumbnails' });
    open();
    expect((await first).ok).toBe(true);
    expect((await second).ok).toBe(true);
  });
});
