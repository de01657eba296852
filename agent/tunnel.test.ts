import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cleanups, peak, sendsPerTurn, tcpServer, until, wsPair } from '../tests/support/ws-streams';
import { pipeTunnel, TUNNEL_HIGH_WATER_MARK, TUNNEL_TURN_BYTES } from './tunnel';

const cleanups: Cleanups = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The backend's end of a tunnel (a ws server) and the agent's end (a ws client piped to a TCP
 * socket to `tcpPort`), as the agent builds it.
 */
async function tunnelTo(tcpPort: number) {
  const { server: backend, client: agentWs } = await wsPair(cleanups);
  const socket = connect({ host: '127.0.0.1', port: tcpPort });
  cleanups.push(() => void socket.destroy());
  await once(socket, 'connect');
  return { tunnel: pipeTunnel(agentWs, socket), agentWs, socket, backend };
}

function sha256(chunks: Buffer[]): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

describe('pipeTunnel', () => {
  it('carries bytes intact both ways', async () => {
    const port = await tcpServer(cleanups, (socket) => socket.pipe(socket));
    const { backend, tunnel } = await tunnelTo(port);
    const sent = Array.from({ length: 64 }, (_, i) => randomBytes(1 + i * 997));
    const received: Buffer[] = [];
    backend.on('message', (data: Buffer) => received.push(data));
    for (const chunk of sent) backend.send(chunk, { binary: true });
    const total = sent.reduce((n, c) => n + c.length, 0);
    await until(() => received.reduce((n, c) => n + c.length, 0) >= total);
    expect(sha256(received)).toBe(sha256(sent));
    expect(tunnel.stats).toEqual({ bytesIn: total, bytesOut: total });
  });

  it('closes the WebSocket when the VNC server hangs up, and the socket when the WebSocket closes', async () => {
    const serverSockets: Socket[] = [];
    const port = await tcpServer(cleanups, (socket) => serverSockets.push(socket));
    const first = await tunnelTo(port);
    await until(() => serverSockets.length === 1);
    const closedBackend = once(first.backend, 'close');
    serverSockets[0]!.end();
    const [code] = await closedBackend;
    expect(code).toBe(1000);
    expect(await first.tunnel.closed).toBe('stream ended');

    const second = await tunnelTo(port);
    await until(() => serverSockets.length === 2);
    const ended = once(serverSockets[1]!, 'end');
    second.backend.close(1000, 'viewer left');
    await ended;
    expect(await second.tunnel.closed).toMatch(/websocket closed \(1000\)/);
  });

  it('refuses text frames', async () => {
    const port = await tcpServer(cleanups, () => {});
    const { backend, tunnel } = await tunnelTo(port);
    const closedBackend = once(backend, 'close');
    backend.send('hello');
    const [code] = await closedBackend;
    expect(code).toBe(1011);
    expect(await tunnel.closed).toBe('text frame on a binary tunnel');
  });

  it('stops reading the VNC server while the viewer is slow', async () => {
    const total = 48 * 1024 * 1024;
    const block = randomBytes(64 * 1024);
    let written = 0;
    const port = await tcpServer(cleanups, (socket) => {
      const pump = () => {
        while (written < total) {
          written += block.length;
          if (!socket.write(block)) return void socket.once('drain', pump);
        }
        socket.end();
      };
      pump();
    });
    const { backend, agentWs } = await tunnelTo(port);
    let received = 0;
    backend.on('message', (data: Buffer) => {
      received += data.length;
    });
    // The viewer stops reading: its TCP window fills, then the agent's WebSocket buffer.
    backend.pause();
    const maxBuffered = await peak(() => agentWs.bufferedAmount);
    expect(maxBuffered).toBeGreaterThan(0);
    expect(maxBuffered).toBeLessThanOrEqual(TUNNEL_HIGH_WATER_MARK + 128 * 1024);
    expect(written).toBeLessThan(total);

    backend.resume();
    await until(() => received >= total, 20_000);
    expect(received).toBe(total);
  });

  it('stops reading the WebSocket while the VNC server is slow', async () => {
    const total = 32 * 1024 * 1024;
    const chunks: Buffer[] = [];
    let serverSocket: Socket | null = null;
    const port = await tcpServer(cleanups, (socket) => {
      serverSocket = socket;
      socket.pause();
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    });
    const { backend, socket } = await tunnelTo(port);
    await until(() => serverSocket !== null);
    const block = randomBytes(64 * 1024);
    for (let sent = 0; sent < total; sent += block.length) backend.send(block, { binary: true });

    const maxQueued = await peak(() => socket.writableLength);
    expect(maxQueued).toBeGreaterThan(0);
    expect(maxQueued).toBeLessThanOrEqual(1024 * 1024);
    expect(backend.bufferedAmount).toBeGreaterThan(total / 4);

    serverSocket!.resume();
    await until(() => chunks.reduce((n, c) => n + c.length, 0) >= total, 20_000);
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(total);
  });

  it('forwards at most its share per event-loop turn, so busy tunnels cannot starve quiet ones', async () => {
    const { server: backend, client: agentWs } = await wsPair(cleanups);
    // A VNC server that has 4 MiB ready at once, and backpressure out of the way, so that only the
    // share per turn can hold the tunnel back.
    const vnc = new Duplex({ read() {}, write: (_chunk, _encoding, done) => done() });
    pipeTunnel(agentWs, vnc, { highWaterMark: 1024 * 1024 * 1024 });
    let received = 0;
    backend.on('message', (data: Buffer) => {
      received += data.length;
    });
    const total = 4 * 1024 * 1024;
    const { sent, perTurn } = await sendsPerTurn(
      agentWs,
      () => {
        for (let i = 0; i < total / 65536; i++) vnc.push(randomBytes(65536));
      },
      () => received >= total,
    );
    expect(sent).toBe(total);
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(TUNNEL_TURN_BYTES);
  });
});
