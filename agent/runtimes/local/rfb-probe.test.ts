import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scratchDir } from '../../../tests/support/scratch-dir';
import { findFreePort } from './free-port';
import { probeRfb, waitForRfb } from './rfb-probe';

const servers: Server[] = [];

function serveUnix(greeting: string, path: string): Promise<void> {
  const server = createServer((socket) => socket.end(greeting));
  servers.push(server);
  return new Promise((resolve) => server.listen(path, () => resolve()));
}

function serve(greeting: string | null, port = 0): Promise<number> {
  const server = createServer((socket) => {
    if (greeting === null) return;
    socket.end(greeting);
  });
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

describe('probeRfb', () => {
  it('returns the banner of an RFB server', async () => {
    const port = await serve('RFB 003.008\n');
    expect(await probeRfb(port, 1000)).toBe('RFB 003.008');
  });

  it('rejects other protocols, silence and refusals', async () => {
    await expect(probeRfb(await serve('HTTP/1.1 400 \r\n'), 1000)).rejects.toThrow(/not an RFB server/);
    await expect(probeRfb(await serve(null), 200)).rejects.toThrow(/within 200 ms/);
    await expect(probeRfb(await findFreePort(), 1000)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('probeRfb on a Unix socket', () => {
  const dir = scratchDir('ss-rfb-');

  it('reads the banner from a socket path, and reports a missing one', async () => {
    const path = join(dir(), 'vnc.sock');
    await expect(probeRfb({ path }, 1000)).rejects.toThrow(/ENOENT/);
    await serveUnix('RFB 003.008\n', path);
    expect(await probeRfb({ path }, 1000)).toBe('RFB 003.008');
  });

  it('waits for the socket to appear', async () => {
    const path = join(dir(), 'late.sock');
    setTimeout(() => void serveUnix('RFB 003.008\n', path), 200);
    expect(await waitForRfb({ path }, { timeoutMs: 3000, intervalMs: 50 })).toBe('RFB 003.008');
    await expect(waitForRfb({ path: join(dir(), 'never.sock') }, { timeoutMs: 200 })).rejects.toThrow(
      /RFB socket .*never\.sock did not answer.*ENOENT/,
    );
  });
});

describe('waitForRfb', () => {
  it('waits until a server appears', async () => {
    const port = await findFreePort();
    setTimeout(() => void serve('RFB 003.008\n', port), 200);
    expect(await waitForRfb(port, { timeoutMs: 3000, intervalMs: 50 })).toBe('RFB 003.008');
  });

  it('gives up at the deadline with the last reason', async () => {
    const port = await findFreePort();
    await expect(waitForRfb(port, { timeoutMs: 300, intervalMs: 50 })).rejects.toThrow(
      /did not answer.*ECONNREFUSED/,
    );
  });

  it('stops when aborted', async () => {
    const port = await findFreePort();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('Xvnc died')), 100);
    await expect(waitForRfb(port, { timeoutMs: 5000, signal: controller.signal })).rejects.toThrow(
      'Xvnc died',
    );
  });
});
