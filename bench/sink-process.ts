/**
 * The sink/echo server every benchmark path ends at, in its own process as a VNC server would be:
 * `node --import tsx bench/sink-process.ts` prints `listening <port>`.
 */
import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { decodeHeader, HEADER_BYTES, SINK_HELLO } from './lib/sink-protocol';

// 64 KiB writes, the size of Node's own socket reads: what a busy VNC server's writes look like.
const BLOCK = Buffer.alloc(64 * 1024, 0x5a);

async function stream(socket: Socket, total: number): Promise<void> {
  let sent = 0;
  while (!socket.destroyed && (total === 0 || sent < total)) {
    const chunk = total === 0 ? BLOCK : BLOCK.subarray(0, Math.min(BLOCK.length, total - sent));
    sent += chunk.length;
    if (!socket.write(chunk)) {
      await Promise.race([once(socket, 'drain'), once(socket, 'close')]);
    }
  }
}

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  let head = Buffer.alloc(0);
  const onHeader = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    if (head.length < HEADER_BYTES) return;
    socket.off('data', onHeader);
    const header = decodeHeader(head);
    if (!header) return void socket.destroy();
    const rest = head.subarray(HEADER_BYTES);
    if (header.mode === 'echo') {
      if (rest.length > 0) socket.write(rest);
      socket.pipe(socket);
    } else {
      // A streaming client only listens; draining its input keeps the socket flowing.
      socket.resume();
      // A client that hangs up mid-stream makes the wait for drain reject; that ends the stream.
      stream(socket, header.bytes).catch(() => socket.destroy());
    }
  };
  socket.on('data', onHeader);
  socket.write(Buffer.from([SINK_HELLO]));
}

const server = createServer(serve);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
