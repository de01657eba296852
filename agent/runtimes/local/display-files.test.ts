import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeStaleDisplayFiles } from './display-files';

describe('removeStaleDisplayFiles', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ss-x11-'));
    await mkdir(join(root, '.X11-unix'));
    await writeFile(join(root, '.X7-lock'), '      4242\n');
    await writeFile(join(root, '.X11-unix', 'X7'), '');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('removes the lock and socket of our own dead server', async () => {
    await removeStaleDisplayFiles(7, 4242, root);
    expect(await readdir(root)).toEqual(['.X11-unix']);
    expect(await readdir(join(root, '.X11-unix'))).toEqual([]);
  });

  it("leaves another server's display alone", async () => {
    await removeStaleDisplayFiles(7, 999, root);
    expect((await readdir(root)).sort()).toEqual(['.X11-unix', '.X7-lock']);
    await removeStaleDisplayFiles(8, 4242, root);
    expect(await readdir(join(root, '.X11-unix'))).toEqual(['X7']);
  });
});
