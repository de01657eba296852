import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { holdsSockets, tcpListenersOf } from './tcp-listeners';

describe('tcpListenersOf', () => {
  it("finds this process's own listener by inode, and none of it for another process", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
    try {
      expect(await holdsSockets(process.pid)).toBe(true);
      expect(await tcpListenersOf([process.pid])).toContain(`0100007F:${hexPort}`);
      // pid 1 is not us; whatever it listens on, our port is not among it.
      expect(await tcpListenersOf([1])).not.toContain(`0100007F:${hexPort}`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await tcpListenersOf([process.pid])).not.toContain(`0100007F:${hexPort}`);
  });
});
