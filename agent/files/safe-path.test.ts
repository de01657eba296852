import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { homeFiles } from './home-files';
import { resolveExisting, resolveInHome, resolveWritable } from './safe-path';
import { FilesError } from './session-files';

let root: string;
let home: string;
let outside: string;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'safe-path-')));
  home = join(root, 'home');
  outside = join(root, 'outside');
  await mkdir(join(home, 'Downloads'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(outside, 'secret'), 'secret');
  await writeFile(join(home, 'Downloads', 'a.txt'), 'a');
});
afterEach(async () => rm(root, { recursive: true, force: true }));

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (error) {
    return error instanceof FilesError ? error.code : `other: ${String(error)}`;
  }
}

describe('resolveInHome', () => {
  it('resolves plain relative paths inside the home', async () => {
    expect(await resolveInHome(home, 'Downloads/a.txt')).toEqual({
      home,
      dir: join(home, 'Downloads'),
      name: 'a.txt',
      full: join(home, 'Downloads', 'a.txt'),
    });
    expect((await resolveInHome(home, '')).full).toBe(home);
    expect((await resolveExisting(home, 'Downloads/a.txt')).real).toBe(join(home, 'Downloads', 'a.txt'));
  });

  it.each([
    '..',
    '../outside/secret',
    'Downloads/../../outside/secret',
    'Downloads/./a.txt',
    '/etc/passwd',
    'Downloads//a.txt',
    'Downloads/',
    'a\\..\\b',
    'nul\0byte',
  ])('refuses %j lexically', async (path) => {
    expect(await codeOf(resolveInHome(home, path))).toBe('invalid_path');
  });

  it('refuses a folder symlink that leads out, for reading and writing', async () => {
    await symlink(outside, join(home, 'out'));
    expect(await codeOf(resolveExisting(home, 'out/secret'))).toBe('invalid_path');
    expect(await codeOf(resolveWritable(home, 'out/new.txt'))).toBe('invalid_path');
  });

  it('refuses a file symlink that leads out, for reading and writing', async () => {
    await symlink(join(outside, 'secret'), join(home, 'Downloads', 'link'));
    expect(await codeOf(resolveExisting(home, 'Downloads/link'))).toBe('invalid_path');
    expect(await codeOf(resolveWritable(home, 'Downloads/link'))).toBe('invalid_path');
  });

  it('follows a symlink that stays inside', async () => {
    await symlink(join(home, 'Downloads'), join(home, 'dl'));
    expect((await resolveExisting(home, 'dl/a.txt')).real).toBe(join(home, 'Downloads', 'a.txt'));
  });

  it('confines to the real folder behind a home given as a link', async () => {
    await symlink(home, join(root, 'home-link'));
    // The home given as a link still confines to the real folder behind it.
    expect((await resolveInHome(join(root, 'home-link'), 'Downloads/a.txt')).full).toBe(
      join(home, 'Downloads', 'a.txt'),
    );
  });

  it('makes missing folders for a write, and answers not_found for a read', async () => {
    expect(await codeOf(resolveExisting(home, 'new/dir/x'))).toBe('not_found');
    const target = await resolveWritable(home, 'new/dir/x');
    expect(target.dir).toBe(join(home, 'new', 'dir'));
    expect(await codeOf(resolveWritable(home, 'Downloads'))).toBe('invalid_path');
    await writeFile(join(home, 'plain'), '');
    expect(await codeOf(resolveWritable(home, 'plain/x'))).toBe('invalid_path');
  });
});

describe('homeFiles', () => {
  const files = () => homeFiles(async (name) => (name === 's' ? home : null));

  it('writes under a temporary name and renames on commit', async () => {
    const upload = await files().write('s', 'Downloads/b.bin');
    upload.stream.write(Buffer.from('hello '));
    expect(await readdir(join(home, 'Downloads'))).not.toContain('b.bin');
    upload.stream.write(Buffer.from('world'));
    const entry = await upload.commit();
    expect(entry).toMatchObject({ name: 'b.bin', size: 11, type: 'file' });
    expect(await readFile(join(home, 'Downloads', 'b.bin'), 'utf8')).toBe('hello world');
    expect((await readdir(join(home, 'Downloads'))).sort()).toEqual(['a.txt', 'b.bin']);
  });

  it('leaves nothing behind when an upload is aborted', async () => {
    const upload = await files().write('s', 'Downloads/c.bin');
    upload.stream.write(Buffer.alloc(1000));
    await upload.abort();
    expect(await readdir(join(home, 'Downloads'))).toEqual(['a.txt']);
  });

  it('lists a folder, making Downloads on demand, and refuses unknown sessions', async () => {
    await rm(join(home, 'Downloads'), { recursive: true });
    expect((await files().list('s', 'Downloads')).entries).toEqual([]);
    await writeFile(join(home, 'Downloads', 'x'), 'xyz');
    const list = await files().list('s', 'Downloads');
    expect(list.entries.map((e) => [e.name, e.size, e.type])).toEqual([['x', 3, 'file']]);
    expect(await codeOf(files().list('other', 'Downloads'))).toBe('not_found');
    expect(await codeOf(files().list('s', 'nope'))).toBe('not_found');
  });

  it('reads a file, and refuses a folder or a link out', async () => {
    const read = await files().read('s', 'Downloads/a.txt');
    expect(read.size).toBe(1);
    const chunks: Buffer[] = [];
    for await (const c of read.stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('a');
    expect(await codeOf(files().read('s', 'Downloads'))).toBe('invalid_path');
    await symlink(join(outside, 'secret'), join(home, 'leak'));
    expect(await codeOf(files().read('s', 'leak'))).toBe('invalid_path');
  });
});
