import { mkdir, rename } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scratchDir } from '../../../tests/support/scratch-dir';
import { connectUnix, MAX_SOCKET_PATH_BYTES } from './unix-socket';

const servers: Server[] = [];

function serve(path: string): Promise<void> {
  const server = createServer((socket) => socket.end('hello\n'));
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
}

function greeting(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectUnix(path);
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    socket.once('end', () => resolve(text));
    socket.once('error', reject);
  });
}

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

describe('connectUnix', () => {
  const dir = scratchDir('ss-unix-');

  it('connects by a short path', async () => {
    const path = join(dir(), 's.sock');
    await serve(path);
    expect(await greeting(path)).toBe('hello\n');
  });

  it('reaches a socket whose path is too long for a socket address', async () => {
    const deep = join(dir(), 'd'.repeat(60), 'e'.repeat(60));
    await mkdir(deep, { recursive: true });
    const path = join(deep, 'vnc.sock');
    expect(Buffer.byteLength(path)).toBeGreaterThan(MAX_SOCKET_PATH_BYTES);
    // Xvnc binds a relative name from the session dir; here, a socket moved there does the same.
    await serve(join(dir(), 'short.sock'));
    await rename(join(dir(), 'short.sock'), path);
    expect(await greeting(path)).toBe('hello\n');
  });

  it('fails like a refused connection when nothing listens or the folder is missing', async () => {
    await expect(greeting(join(dir(), 'none.sock'))).rejects.toThrow(/ENOENT/);
    await expect(greeting(join(dir(), 'x'.repeat(120), 'vnc.sock'))).rejects.toThrow(/ENOENT/);
  });
});
