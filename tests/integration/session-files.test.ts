import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionPaths } from '../../agent/runtimes/local/layout';
import { readStateFile } from '../../agent/runtimes/local/state-file';
import { configFromEnv } from '../../backend/config';
import { createLogger } from '../../backend/logger';
import { appPaths, findAppRoot } from '../../backend/paths';
import {
  type ApiClient,
  ApiErrorBody,
  apiPath,
  createApiClient,
  FileEntry,
  FileList,
  joinUrl,
  routes,
} from '../../protocol';
import { type LocalStack, startLocalStack } from '../../stack/local-stack';
import { eventually } from '../support/eventually';
import { xvncFor } from '../support/processes';

const PASSWORD = 'files-admin-password';
const MB = 1024 * 1024;
const LIMIT = 60 * MB;

/**
 * Uploads and downloads through the whole path: the REST routes, the tunnel the in-process agent
 * dials back, and the local runtime's session home, with a real Xvnc session.
 */
describe("a session's files (real stack, real Xvnc)", () => {
  let dataDir: string;
  let stack: LocalStack;
  let admin: ApiClient;
  let token: string;
  let session: string;
  let home: string;

  const fileUrl = (path: string, name = session) =>
    joinUrl(stack.url, apiPath(routes.uploadFile, { name, path }));
  const listUrl = (dir: string) => joinUrl(stack.url, apiPath(routes.listFiles, { name: session }), { dir });
  const auth = (t = token) => ({ Authorization: `Bearer ${t}` });
  const upload = (path: string, body: Uint8Array | ReadableStream<Uint8Array>, t = token) =>
    fetch(fileUrl(path), {
      method: 'PUT',
      headers: { ...auth(t), 'Content-Type': 'application/octet-stream' },
      body,
      duplex: 'half',
    } as RequestInit);
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const downloadsOnDisk = () => readdir(join(home, 'Downloads'));
  const errorCode = async (res: Response) => ApiErrorBody.parse(await res.json()).error.code;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ss-files-'));
    const config = configFromEnv(
      {
        STREAMSPACE_DATA_DIR: dataDir,
        STREAMSPACE_ADMIN_PASSWORD: PASSWORD,
        STREAMSPACE_MAX_UPLOAD_BYTES: String(LIMIT),
        LOG_LEVEL: 'silent',
      },
      appPaths(findAppRoot(fileURLToPath(new URL('.', import.meta.url)))),
    );
    stack = await startLocalStack(config, createLogger('silent'), {
      port: 0,
      host: '127.0.0.1',
      runtime: { name: 'local' },
      maxSessions: 2,
    });
    token = (
      await createApiClient({ baseUrl: stack.url }).login({ body: { username: 'admin', password: PASSWORD } })
    ).accessToken;
    admin = createApiClient({ baseUrl: stack.url, token: () => token });
    session = (await admin.createSession({ body: { template: 'xterm' } })).name;
    await eventually(
      async () => (await admin.getSession({ params: { name: session } })).state === 'running',
      60_000,
      `${session} running`,
    );
    const state = await readStateFile(sessionPaths(join(dataDir, 'local-runtime'), session).stateFile);
    if (!state.ok) throw new Error(`no state file for ${session}: ${state.message}`);
    home = state.data.home;
  }, 120_000);

  afterAll(async () => {
    if (session) {
      await admin.terminateSession({ params: { name: session } }).catch(() => {});
      await eventually(async () => xvncFor(session).length === 0, 20_000, 'Xvnc to exit').catch(() => {
        for (const pid of xvncFor(session)) process.kill(pid, 'SIGKILL');
      });
    }
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('lists an empty Downloads folder, made on demand', async () => {
    const res = await fetch(listUrl('Downloads'), { headers: auth() });
    expect(res.status).toBe(200);
    expect(FileList.parse(await res.json())).toEqual({ dir: 'Downloads', entries: [], truncated: false });
  });

  it('uploads and downloads 50 MB intact, and lists it', async () => {
    const bytes = randomBytes(50 * MB);
    const put = await upload('Downloads/big.bin', bytes);
    expect(put.status).toBe(201);
    expect(FileEntry.parse(await put.json())).toMatchObject({ name: 'big.bin', size: 50 * MB, type: 'file' });
    expect(sha(await readFile(join(home, 'Downloads', 'big.bin')))).toBe(sha(bytes));

    const list = FileList.parse(await (await fetch(listUrl('Downloads'), { headers: auth() })).json());
    expect(list.entries.map((e) => [e.name, e.size])).toEqual([['big.bin', 50 * MB]]);

    const got = await fetch(fileUrl('Downloads/big.bin'), { headers: auth() });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-length')).toBe(String(50 * MB));
    expect(got.headers.get('content-disposition')).toContain('big.bin');
    expect(sha(new Uint8Array(await got.arrayBuffer()))).toBe(sha(bytes));
  }, 120_000);

  it('refuses paths that leave the home with 400', async () => {
    await symlink('/etc', join(home, 'etc-link'));
    await writeFile(join(home, 'inside.txt'), 'inside');
    for (const path of ['../../state.json', '/etc/passwd', 'etc-link/hostname', 'Downloads/../../x']) {
      const res = await fetch(fileUrl(path), { headers: auth() });
      expect(res.status, path).toBe(400);
      expect(await errorCode(res)).toBe('invalid_request');
    }
    const put = await upload('etc-link/evil', new Uint8Array([1, 2, 3]));
    expect(put.status).toBe(400);
    const ok = await fetch(fileUrl('inside.txt'), { headers: auth() });
    expect(await ok.text()).toBe('inside');
    const missing = await fetch(fileUrl('Downloads/nope.bin'), { headers: auth() });
    expect(missing.status).toBe(404);
  });

  it('leaves neither the file nor a temporary one when an upload is cut off mid-body', async () => {
    const url = new URL(fileUrl('Downloads/cut.bin'));
    const req = request(url, {
      method: 'PUT',
      headers: { ...auth(), 'Content-Type': 'application/octet-stream', 'Content-Length': String(20 * MB) },
    });
    req.on('error', () => {});
    req.write(randomBytes(4 * MB));
    // The agent has its temporary file open before the first bytes are taken.
    await eventually(
      async () => (await downloadsOnDisk()).some((n) => n.startsWith('.streamspace-upload-')),
      20_000,
      'the upload to start on the agent',
    );
    req.destroy();
    await eventually(
      async () => (await downloadsOnDisk()).every((n) => n === 'big.bin'),
      20_000,
      'the temporary file to go',
    );
    expect(await downloadsOnDisk()).toEqual(['big.bin']);
  }, 60_000);

  it('answers 413 past the size limit, declared or streamed, and keeps nothing', async () => {
    // Refused on its headers: the answer comes before any byte of the body is sent.
    const declared = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(new URL(fileUrl('Downloads/huge.bin')), {
        method: 'PUT',
        headers: {
          ...auth(),
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(LIMIT + 1),
        },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: text });
          req.destroy();
        });
      });
      req.flushHeaders();
    });
    expect(declared.status).toBe(413);
    expect(ApiErrorBody.parse(JSON.parse(declared.body)).error.code).toBe('payload_too_large');

    // No length to refuse up front: counted as it streams.
    let sent = 0;
    const chunk = new Uint8Array(MB);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > LIMIT + 4 * MB) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const streamed = await upload('Downloads/huge.bin', body).catch((error: unknown) => error);
    // Answered mid-body, which some clients see as a reset instead of the 413.
    if (streamed instanceof Response) expect(streamed.status).toBe(413);
    await eventually(
      async () => (await downloadsOnDisk()).every((n) => n === 'big.bin'),
      20_000,
      'no leftovers',
    );
  }, 120_000);

  it('refuses unsupported bodies, and other users', async () => {
    const wrongType = await fetch(fileUrl('Downloads/t.txt'), {
      method: 'PUT',
      headers: { ...auth(), 'Content-Type': 'text/plain' },
      body: 'x',
    });
    expect(wrongType.status).toBe(415);

    await admin.createUser({ body: { username: 'mallory', password: 'mallory-password-1', role: 'user' } });
    const other = (
      await createApiClient({ baseUrl: stack.url }).login({
        body: { username: 'mallory', password: 'mallory-password-1' },
      })
    ).accessToken;
    for (const res of [
      await fetch(listUrl('Downloads'), { headers: auth(other) }),
      await fetch(fileUrl('Downloads/big.bin'), { headers: auth(other) }),
      await upload('Downloads/planted.bin', new Uint8Array([1]), other),
    ]) {
      expect([403, 404]).toContain(res.status);
    }
    expect(await downloadsOnDisk()).toEqual(['big.bin']);
  });
});
