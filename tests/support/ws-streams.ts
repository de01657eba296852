// Helpers for the stream tests of the agent's tunnel and the backend's relay: both move bytes
// between WebSockets, under backpressure and a share of each event-loop turn.
import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

export type Cleanups = (() => Promise<void> | void)[];

/** A connected pair on a free port: `server` is the accepting end, `client` the dialling one. */
export async function wsPair(cleanups: Cleanups): Promise<{ server: WebSocket; client: WebSocket }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(wss, 'listening');
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, {
    perMessageDeflate: false,
  });
  cleanups.push(async () => {
    client.terminate();
    for (const c of wss.clients) c.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });
  await once(client, 'open');
  return { server: await accepted, client };
}

/** A TCP server standing in for the VNC server; `onSocket` decides what it does. Its port. */
export async function tcpServer(cleanups: Cleanups, onSocket: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as AddressInfo).port;
}

export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The largest value `sample` gives, read every 2 ms for `forMs`. */
export async function peak(sample: () => number, forMs = 1_000): Promise<number> {
  let max = 0;
  const started = Date.now();
  while (Date.now() - started < forMs) {
    max = Math.max(max, sample());
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return max;
}

/**
 * Counts what `ws` sends from the moment `start` runs until `done()` holds, in all and in each
 * event-loop turn.
 */
export async function sendsPerTurn(
  ws: WebSocket,
  start: () => void,
  done: () => boolean,
): Promise<{ sent: number; perTurn: number[] }> {
  let sent = 0;
  const send = ws.send.bind(ws);
  ws.send = ((data: Buffer, options: object, cb?: (error?: Error) => void) => {
    sent += data.length;
    send(data, options, cb);
  }) as typeof ws.send;
  start();
  const perTurn: number[] = [];
  let last = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      perTurn.push(sent - last);
      last = sent;
      if (done()) resolve();
      else setImmediate(tick);
    };
    setImmediate(tick);
  });
  return { sent, perTurn };
}
