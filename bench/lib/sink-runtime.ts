import { connect, type Socket } from 'node:net';
import type { StreamOptions } from '../../agent/runtime';
import { FakeRuntime } from '../../agent/testing/fake-runtime';

/**
 * The benchmark's stand-in runtime: sessions "run" at once and every stream is a TCP connection
 * to the bench's sink, opened the way the local runtime opens its Unix socket: with the relay's
 * reader when it is given one. BENCH_RELAY_READER=0 leaves the reader out, for an A/B run of it.
 */
export class SinkRuntime extends FakeRuntime {
  constructor(port: number) {
    super();
    this.streamPort = port;
  }

  override openStream(name: string, options: StreamOptions = {}): Promise<Socket> {
    if (this.sessions.get(name) !== 'running') return super.openStream(name);
    const onread = process.env.BENCH_RELAY_READER === '0' ? undefined : options.onread;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: this.streamPort, noDelay: true, onread });
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });
  }
}
