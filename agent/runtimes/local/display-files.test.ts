import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../tests/support/scratch-dir';
import { removeStaleDisplayFiles } from './display-files';

describe('removeStaleDisplayFiles', () => {
  const root = scratchDir('ss-x11-', {
    // Display 7's lock and socket, left by a server with pid 4242.
    setup: async (dir) => {
      await mkdir(join(dir, '.X11-unix'));
      await writeFile(join(dir, '.X7-lock'), '      4242\n');
      await writeFile(join(dir, '.X11-unix', 'X7'), '');
    },
  });

  it('removes the lock and socket of our own dead server', async () => {
    await removeStaleDisplayFiles(7, 4242, root());
    expect(await readdir(root())).toEqual(['.X11-unix']);
    expect(await readdir(join(root(), '.X11-unix'))).toEqual([]);
  });

  it("leaves another server's display alone", async () => {
    await removeStaleDisplayFiles(7, 999, root());
    expect((await readdir(root())).sort()).toEqual(['.X11-unix', '.X7-lock']);
    await removeStaleDisplayFiles(8, 4242, root());
    expect(await readdir(join(root(), '.X11-unix'))).toEqual(['X7']);
  });
});
