import { once } from 'node:events';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { SINK_HELLO } from './sink-protocol';

/** One client connection to the sink, whatever path it takes. */
export interface Conn {
  send(data: Buffer): void;
  /** The one listener for bytes from the sink (after its hello). */
  onData(listener: (chunk: Buffer) => void): void;
  pause(): void;
  resume(): void;
  close(): void;
}

export type Opener = () => Promise<Conn>;

function expectHello(first: Buffer): Buffer {
  if (first[0] !== SINK_HELLO) throw new Error(`expected the sink's hello, got ${first[0]}`);
  return first.subarray(1);
}

/** The one shape of a connection, over whichever stream emits the sink's bytes. */
function connOf(
  stream: {
    on(event: string, listener: (chunk: Buffer) => void): unknown;
    pause(): unknown;
    resume(): unknown;
  },
  event: 'data' | 'message',
  rest: Buffer,
  send: (data: Buffer) => void,
  close: () => void,
): Conn {
  return {
    send,
    onData(listener) {
      stream.on(event, listener);
      if (rest.length > 0) listener(rest);
      stream.resume();
    },
    pause: () => void stream.pause(),
    resume: () => void stream.resume(),
    close,
  };
}

/** Plain TCP straight to the sink: the baseline every ratio is against. */
export async function tcpConn(port: number): Promise<Conn> {
  const socket = connect({ host: '127.0.0.1', port, noDelay: true });
  const [first] = (await once(socket, 'data')) as [Buffer];
  socket.pause();
  const rest = expectHello(first);
  socket.on('error', () => {});
  return connOf(
    socket,
    'data',
    rest,
    (data) => void socket.write(data),
    () => socket.destroy(),
  );
}

/** A browser-like WebSocket client (binary frames, no compression), as noVNC uses the path. */
export async function wsConn(url: string, protocols: string[] = []): Promise<Conn> {
  const ws = new WebSocket(url, protocols, { perMessageDeflate: false });
  ws.binaryType = 'nodebuffer';
  const first = new Promise<Buffer>((resolve, reject) => {
    ws.once('message', (data: Buffer) => resolve(data));
    ws.once('error', reject);
    ws.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason.toString()} before hello`)));
  });
  const rest = expectHello(await first);
  ws.pause();
  ws.on('error', () => {});
  return connOf(
    ws,
    'message',
    rest,
    (data) => ws.send(data, { binary: true }),
    () => ws.terminate(),
  );
}
