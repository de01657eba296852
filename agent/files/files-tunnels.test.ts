import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { type RawData, WebSocketServer } from 'ws';
import { type BackendFilesOpen, type FilesReply, FilesReply as Reply } from '../../protocol';
import { FakeRuntime } from '../testing/fake-runtime';
import { FilesTunnels } from './files-tunnels';
import { homeFiles } from './home-files';

class FilesRuntime extends FakeRuntime {
  constructor(readonly files: ReturnType<typeof homeFiles>) {
    super();
  }
}

/** The backend's end of one files tunnel: the replies it got, its socket, and how it closed. */
interface BackendEnd {
  ws: WebSocket;
  replies: FilesReply[];
  bytes: Buffer[];
  closed: Promise<number>;
}

let server: WebSocketServer;
let dir: string;
let home: string;
let ends: Promise<BackendEnd>;

function nextEnd(): Promise<BackendEnd> {
  return new Promise((resolve) => {
    server.once('connection', (ws) => {
      const end: BackendEnd = {
        ws,
        replies: [],
        bytes: [],
        closed: once(ws, 'close').then(([code]) => code as number),
      };
      ws.on('message', (data: RawData, isBinary: boolean) => {
        if (isBinary) end.bytes.push(data as Buffer);
        else end.replies.push(Reply.parse(JSON.parse(data.toString())));
      });
      resolve(end);
    });
  });
}

function tunnels(runtime: FakeRuntime): FilesTunnels {
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return new FilesTunnels({
    runtime,
    logger: pino({ level: 'silent' }),
    send: () => true,
    dial: () =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.once('open', () => {
          ws.pause();
          resolve(ws);
        });
        ws.once('error', reject);
      }),
  });
}

const open = (op: BackendFilesOpen['op'], path: string, maxBytes = 1_000_000): BackendFilesOpen => ({
  type: 'files_open',
  tunnelId: 't1',
  session: 's',
  op,
  path,
  maxBytes,
});

beforeEach(async () => {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  dir = await mkdtemp(join(tmpdir(), 'files-tunnels-'));
  home = join(dir, 'home');
  await mkdir(join(home, 'Downloads'), { recursive: true });
  ends = nextEnd();
});
afterEach(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

const local = () => new FilesRuntime(homeFiles(async (name) => (name === 's' ? home : null)));
const downloads = () => readdir(join(home, 'Downloads'));

describe('FilesTunnels', () => {
  it('answers unsupported for a runtime without file access', async () => {
    void tunnels(new FakeRuntime()).handle(open('list', 'Downloads'));
    const end = await ends;
    expect(await end.closed).toBe(1000);
    expect(end.replies).toEqual([
      { type: 'error', code: 'unsupported', message: 'the local runtime does not offer file access' },
    ]);
  });

  it('streams a file down, then closes normally', async () => {
    const content = Buffer.alloc(300_000, 7);
    await writeFile(join(home, 'Downloads', 'f.bin'), content);
    void tunnels(local()).handle(open('read', 'Downloads/f.bin'));
    const end = await ends;
    expect(await end.closed).toBe(1000);
    expect(end.replies[0]).toMatchObject({ type: 'file', size: content.length });
    expect(Buffer.concat(end.bytes).equals(content)).toBe(true);
  });

  it('writes an upload in place on end', async () => {
    void tunnels(local()).handle(open('write', 'Downloads/up.bin'));
    const end = await ends;
    await expect.poll(() => end.replies.length).toBe(1);
    expect(end.replies[0]).toEqual({ type: 'ready' });
    end.ws.send(Buffer.from('abc'));
    end.ws.send(JSON.stringify({ type: 'end', bytes: 3 }));
    expect(await end.closed).toBe(1000);
    expect(end.replies[1]).toMatchObject({ type: 'written', entry: { name: 'up.bin', size: 3 } });
    expect(await downloads()).toEqual(['up.bin']);
  });

  it('deletes the temporary file when the tunnel drops mid-upload', async () => {
    void tunnels(local()).handle(open('write', 'Downloads/cut.bin'));
    const end = await ends;
    await expect.poll(() => end.replies.length).toBe(1);
    end.ws.send(Buffer.alloc(100_000));
    await expect.poll(async () => (await downloads()).length).toBe(1);
    end.ws.terminate();
    await expect.poll(downloads).toEqual([]);
  });

  it('refuses an upload past maxBytes and keeps nothing', async () => {
    void tunnels(local()).handle(open('write', 'Downloads/big.bin', 10));
    const end = await ends;
    await expect.poll(() => end.replies.length).toBe(1);
    end.ws.send(Buffer.alloc(11));
    expect(await end.closed).toBe(1000);
    expect(end.replies[1]).toMatchObject({ type: 'error', code: 'too_large' });
    expect(await downloads()).toEqual([]);
  });

  it('refuses a count that does not match the bytes received', async () => {
    void tunnels(local()).handle(open('write', 'Downloads/short.bin'));
    const end = await ends;
    await expect.poll(() => end.replies.length).toBe(1);
    end.ws.send(Buffer.from('ab'));
    end.ws.send(JSON.stringify({ type: 'end', bytes: 3 }));
    expect(await end.closed).toBe(1000);
    expect(end.replies[1]).toMatchObject({ type: 'error', code: 'failed' });
    expect(await downloads()).toEqual([]);
  });
});
