import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cleanups, tcpServer, until, wsPair } from '../../tests/support/ws-streams';
import { createRelayReader, relayStream } from './stream-relay';

const cleanups: Cleanups = [];
const LIMIT = 256 * 1024;

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A source that writes as fast as the socket takes it, `total` bytes, with a running digest. */
function flood(total: number) {
  const block = randomBytes(64 * 1024);
  const sent = { bytes: 0, hash: createHash('sha256') };
  const onSocket = (socket: Socket) => {
    const pump = () => {
      while (sent.bytes < total) {
        const chunk = block.subarray(0, Math.min(block.length, total - sent.bytes));
        sent.bytes += chunk.length;
        sent.hash.update(chunk);
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    pump();
  };
  return { sent, onSocket };
}

/** The relay on a ws server's end (the backend's or agent's), the viewer on the client end. */
async function relayTo(port: number, withReader: boolean) {
  const { server, client: viewer } = await wsPair(cleanups);
  const reader = withReader ? createRelayReader() : undefined;
  const socket = connect({ host: '127.0.0.1', port, onread: reader?.onread });
  cleanups.push(() => void socket.destroy());
  await once(socket, 'connect');
  const relay = relayStream(server, socket, { failureCode: 4502, reader });
  return { relay, viewer, socket };
}

describe.each([
  ['with the reused read buffer', true],
  ['with a stream that emits data', false],
])('relayStream %s', (_name, withReader) => {
  it('carries bytes intact both ways', async () => {
    const port = await tcpServer(cleanups, (socket) => socket.pipe(socket));
    const { relay, viewer } = await relayTo(port, withReader);
    const sent = Array.from({ length: 64 }, (_, i) => randomBytes(1 + i * 997));
    const received: Buffer[] = [];
    viewer.on('message', (data: Buffer) => received.push(data));
    for (const chunk of sent) viewer.send(chunk, { binary: true });
    const total = sent.reduce((n, c) => n + c.length, 0);
    await until(() => received.reduce((n, c) => n + c.length, 0) >= total);
    expect(Buffer.concat(received).equals(Buffer.concat(sent))).toBe(true);
    expect(relay.stats).toMatchObject({ bytesDown: total, bytesUp: total });
  });

  it('never holds more than 256 KiB for a viewer that stops reading, ten streams at once', async () => {
    const total = 64 * 1024 * 1024;
    const sources = Array.from({ length: 10 }, () => flood(total));
    const streams = await Promise.all(
      sources.map(async (source) => {
        const port = await tcpServer(cleanups, source.onSocket);
        const stream = await relayTo(port, withReader);
        const got = { bytes: 0, hash: createHash('sha256') };
        stream.viewer.on('message', (data: Buffer) => {
          got.bytes += data.length;
          got.hash.update(data);
        });
        // The viewer stops reading: its socket's window fills, then the relay's own queue.
        stream.viewer.pause();
        return { ...stream, got };
      }),
    );
    // Sampled as well as the relay's own peak, so a hook that stopped counting would show.
    let sampled = 0;
    const started = Date.now();
    while (Date.now() - started < 1_500) {
      for (const s of streams) sampled = Math.max(sampled, s.relay.heldBytes());
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    for (const [i, s] of streams.entries()) {
      expect(s.relay.stats.peakHeldBytes, `stream ${i}`).toBeGreaterThan(0);
      expect(s.relay.stats.peakHeldBytes, `stream ${i}`).toBeLessThanOrEqual(LIMIT);
      // Held back at the source, not dropped: far from everything has left it.
      expect(sources[i]?.sent.bytes, `stream ${i}`).toBeLessThan(total / 4);
    }
    expect(sampled).toBeLessThanOrEqual(LIMIT);

    for (const s of streams) s.viewer.resume();
    await until(() => streams.every((s) => s.got.bytes >= total), 60_000);
    for (const [i, s] of streams.entries()) {
      expect(s.got.bytes).toBe(total);
      expect(s.got.hash.digest('hex')).toBe(sources[i]?.sent.hash.digest('hex'));
      expect(s.relay.stats.peakHeldBytes).toBeLessThanOrEqual(LIMIT);
    }
  }, 90_000);

  it('delivers what the server said before the relay was there', async () => {
    const port = await tcpServer(cleanups, (socket) => socket.write('RFB 003.008\n'));
    const { server, client: viewer } = await wsPair(cleanups);
    const reader = withReader ? createRelayReader() : undefined;
    const socket = connect({ host: '127.0.0.1', port, onread: reader?.onread });
    cleanups.push(() => void socket.destroy());
    await once(socket, 'connect');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const first = once(viewer, 'message');
    relayStream(server, socket, { failureCode: 4502, reader });
    expect(String((await first)[0])).toBe('RFB 003.008\n');
  });

  it('closes the WebSocket with the failure code and the reason when the stream fails', async () => {
    const port = await tcpServer(cleanups, (socket) => socket.once('data', () => socket.resetAndDestroy()));
    const { relay, viewer } = await relayTo(port, withReader);
    const closed = once(viewer, 'close');
    viewer.send(Buffer.from('key event'));
    const [code, reason] = (await closed) as [number, Buffer];
    expect(code).toBe(4502);
    expect(reason.toString()).toMatch(/^stream error: .*ECONNRESET/);
    expect(await relay.closed).toMatch(/ECONNRESET/);
  });

  it('ends the stream when the viewer leaves, and the viewer with 1000 when the server hangs up', async () => {
    let serverSide: Socket | null = null;
    const port = await tcpServer(cleanups, (socket) => {
      serverSide = socket;
    });
    const first = await relayTo(port, withReader);
    await until(() => serverSide !== null);
    const ended = once(serverSide!, 'end');
    first.viewer.close(1000, 'bye');
    await ended;
    expect(await first.relay.closed).toBe('websocket closed (1000)');

    serverSide = null;
    const second = await relayTo(port, withReader);
    await until(() => serverSide !== null);
    const closed = once(second.viewer, 'close');
    serverSide!.end();
    const [code, reason] = (await closed) as [number, Buffer];
    expect([code, reason.toString()]).toEqual([1000, 'stream ended']);
  });
});
