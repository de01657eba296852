import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../runtimes/local/free-port';
import { waitForRfb } from '../runtimes/local/rfb-probe';
import { writeVncPasswordFile } from '../runtimes/local/vnc-password';
import { type RgbImage, SnapshotError, snapshotScreen } from './rfb-snapshot';

const run = promisify(execFile);
const PASSWORD = 'thumb123';

function socketTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

function pixel(image: RgbImage, x: number, y: number): [number, number, number] {
  const i = (y * image.width + x) * 3;
  return [image.rgb[i] as number, image.rgb[i + 1] as number, image.rgb[i + 2] as number];
}

describe('snapshotScreen against a real Xvnc', () => {
  let dir: string;
  let xvnc: ChildProcess;
  let port: number;
  let display: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ss-rfb-snapshot-'));
    const passwd = join(dir, 'passwd');
    await writeVncPasswordFile(passwd, PASSWORD);
    port = await findFreePort();
    xvnc = spawn(
      'Xvnc',
      [
        '-displayfd',
        '3',
        '-rfbport',
        String(port),
        '-localhost',
        '-rfbauth',
        passwd,
        '-SecurityTypes',
        'VncAuth',
        '-geometry',
        '640x400',
        '-depth',
        '24',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] },
    );
    const fd = xvnc.stdio[3] as Readable;
    display = await new Promise<string>((resolve, reject) => {
      let text = '';
      fd.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(`:${text.trim()}`);
      });
      xvnc.once('exit', (code) => reject(new Error(`Xvnc exited ${code}`)));
    });
    await waitForRfb(port, { timeoutMs: 30_000 });
  }, 60_000);

  afterAll(async () => {
    if (xvnc && xvnc.exitCode === null) {
      const exited = new Promise((resolve) => xvnc.once('exit', resolve));
      xvnc.kill('SIGTERM');
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function snapshot(password = PASSWORD, bitsPerPixel?: 16 | 32): Promise<RgbImage> {
    const socket = await socketTo(port);
    try {
      return await snapshotScreen(socket, password, { timeoutMs: 20_000, bitsPerPixel });
    } finally {
      socket.destroy();
    }
  }

  it('takes the whole screen, in the colours the display shows, at 16 and 32 bits per pixel', async () => {
    await run('xsetroot', ['-display', display, '-solid', '#ff0000']);
    const red = await snapshot();
    expect([red.width, red.height]).toEqual([640, 400]);
    expect(red.rgb).toHaveLength(640 * 400 * 3);
    for (const [x, y] of [
      [0, 0],
      [639, 399],
      [320, 200],
    ] as const)
      expect(pixel(red, x, y)).toEqual([255, 0, 0]);

    await run('xsetroot', ['-display', display, '-solid', '#0000ff']);
    const blue = await snapshot(PASSWORD, 32);
    expect(pixel(blue, 10, 390)).toEqual([0, 0, 255]);
    await run('xsetroot', ['-display', display, '-solid', '#00ff00']);
    expect(pixel(await snapshot(PASSWORD, 16), 600, 5)).toEqual([0, 255, 0]);
  }, 60_000);

  it('fails with auth_failed on a wrong password', async () => {
    const error = await snapshot('wrong-pw').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as SnapshotError).reason).toBe('auth_failed');
  }, 30_000);
});

describe('snapshotScreen against servers that misbehave', () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });

  function serve(onSocket: (s: Socket) => void): Promise<number> {
    const server = createServer(onSocket);
    servers.push(server);
    return new Promise((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
  }

  it('says what is wrong: not RFB, a silent server, a server that hangs up', async () => {
    const notRfb = await serve((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const silent = await serve(() => {});
    const hangsUp = await serve((s) => s.end('RFB 003.008\n'));
    const reason = async (p: number, timeoutMs = 5_000) => {
      const socket = await socketTo(p);
      try {
        return await snapshotScreen(socket, PASSWORD, { timeoutMs }).then(
          () => 'ok',
          (e: unknown) => (e instanceof SnapshotError ? e.reason : String(e)),
        );
      } finally {
        socket.destroy();
      }
    };
    expect(await reason(notRfb)).toBe('protocol');
    expect(await reason(silent, 200)).toBe('timeout');
    expect(await reason(hangsUp)).toBe('closed');
  });

  it('refuses a rectangle outside the screen instead of writing past the picture', async () => {
    const port = await serve((s) => {
      s.write('RFB 003.008\n');
      s.write(Buffer.from([1, 1])); // one security type: None
      s.once('data', () => {
        const init = Buffer.alloc(24);
        init.writeUInt16BE(4, 0);
        init.writeUInt16BE(4, 2);
        s.write(Buffer.concat([Buffer.alloc(4), init]));
        const update = Buffer.alloc(16);
        update.writeUInt16BE(1, 2);
        update.writeUInt16BE(3, 4); // x
        update.writeUInt16BE(2, 8); // w: 3 + 2 > 4
        update.writeUInt16BE(1, 10);
        s.write(update);
      });
    });
    const socket = await socketTo(port);
    const error = await snapshotScreen(socket, PASSWORD).catch((e: unknown) => e);
    socket.destroy();
    expect((error as SnapshotError).reason).toBe('protocol');
    expect((error as Error).message).toMatch(/outside the screen/);
  });
});
