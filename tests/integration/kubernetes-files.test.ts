import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { FilesError, type SessionFiles } from '../../agent/files/session-files';
import { eventually } from '../support/eventually';
import { kubeRuntimeHarness, kubeSpec } from '../support/kube-runtime';

// File transfers in a Kubernetes session run sh, find and cat in its container through pods/exec.
// The fake API server runs those commands on this host, in a folder standing in for the
// container's home, so the real client-node exec, the real scripts and real coreutils run here.

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function upload(files: SessionFiles, session: string, path: string, data: Buffer) {
  const write = await files.write(session, path);
  for (let at = 0; at < data.length; at += 64 * 1024) {
    const chunk = data.subarray(at, at + 64 * 1024);
    if (!write.stream.write(chunk)) await new Promise((resolve) => write.stream.once('drain', resolve));
  }
  return write.commit();
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof FilesError ? error.code : `not a FilesError: ${String(error)}`),
  );

describe('session files on the kubernetes runtime, through pods/exec', () => {
  const { setup, runtime, podHome, cleanup } = kubeRuntimeHarness();
  afterEach(cleanup);

  it('lists Downloads, uploads in place, downloads intact, and refuses paths that lead out', {
    timeout: 30_000,
  }, async () => {
    const kube = await setup();
    const rt = runtime(kube);
    const files = rt.files;
    const name = 'alice-xterm-f1';
    expect(await rt.start(kubeSpec(name))).toBe('running');
    const home = podHome(kube, name);

    // The one folder the UI browses is there from the first look.
    expect(await files.list(name, 'Downloads')).toEqual({ dir: 'Downloads', entries: [], truncated: false });

    const data = randomBytes(1024 * 1024 + 17);
    const entry = await upload(files, name, 'Downloads/report.bin', data);
    expect(entry).toMatchObject({ name: 'report.bin', type: 'file', size: data.length });
    expect(sha(await readFile(join(home, 'Downloads/report.bin')))).toBe(sha(data));
    const listed = await files.list(name, 'Downloads');
    expect(listed.entries.map((e) => [e.name, e.type, e.size])).toEqual([
      ['report.bin', 'file', data.length],
    ]);

    const read = await files.read(name, 'Downloads/report.bin');
    expect(read.size).toBe(data.length);
    expect(sha(await collect(read.stream))).toBe(sha(data));

    // A new folder on the way is made; a name with spaces and quotes is just a name.
    await upload(files, name, `notes/it's "here".txt`, Buffer.from('hello'));
    expect(await readFile(join(home, `notes/it's "here".txt`), 'utf8')).toBe('hello');
    expect((await files.list(name, '')).entries.map((e) => `${e.name}:${e.type}`)).toEqual([
      'Downloads:directory',
      'notes:directory',
    ]);

    await symlink('/etc', join(home, 'etc'));
    await symlink('/etc/hostname', join(home, 'Downloads/host'));
    expect(await codeOf(files.read(name, 'Downloads/host'))).toBe('invalid_path');
    expect(await codeOf(files.list(name, 'etc'))).toBe('invalid_path');
    expect(await codeOf(files.write(name, 'etc/evil'))).toBe('invalid_path');
    expect(await codeOf(files.read(name, 'Downloads/missing.txt'))).toBe('not_found');
    expect(await codeOf(files.read(name, 'Downloads'))).toBe('invalid_path');
    expect(await codeOf(files.write(name, 'Downloads'))).toBe('invalid_path');
    // A link that stays inside is followed.
    await symlink(join(home, 'Downloads/report.bin'), join(home, 'latest'));
    expect((await files.read(name, 'latest')).size).toBe(data.length);
    await rt.stop(name);
  });

  it('leaves nothing under the final name, and no temp file, when an upload is aborted', {
    timeout: 20_000,
  }, async () => {
    const kube = await setup();
    const rt = runtime(kube);
    const name = 'alice-xterm-f2';
    expect(await rt.start(kubeSpec(name))).toBe('running');
    const home = podHome(kube, name);
    await mkdir(join(home, 'Downloads'));
    await writeFile(join(home, 'Downloads/keep.txt'), 'old');

    const write = await rt.files.write(name, 'Downloads/keep.txt');
    write.stream.write(randomBytes(200_000));
    await write.abort();
    await write.abort();
    await eventually(
      async () => (await readdir(join(home, 'Downloads'))).length === 1,
      5_000,
      'temp file gone',
    );
    expect(await readdir(join(home, 'Downloads'))).toEqual(['keep.txt']);
    expect(await readFile(join(home, 'Downloads/keep.txt'), 'utf8')).toBe('old');
    await rt.stop(name);
  });

  it('names RBAC’s refusal, and says so for a session that is not running', { timeout: 20_000 }, async () => {
    const kube = await setup();
    const rt = runtime(kube);
    const name = 'alice-xterm-f3';
    expect(await rt.start(kubeSpec(name))).toBe('running');
    const allow = kube.forbid({ verb: 'get', resource: 'pods/exec' });
    await expect(rt.files.list(name, 'Downloads')).rejects.toThrow(/get.*pods\/exec.*streamspace/);
    allow();
    expect((await rt.files.list(name, '')).dir).toBe('');

    expect(await rt.hibernate(name)).toBe('hibernated');
    await expect(rt.files.list(name, '')).rejects.toThrow(/hibernated/);
    expect(await codeOf(rt.files.list('alice-xterm-nope', ''))).toBe('not_found');
    await rt.stop(name);
  });
});
