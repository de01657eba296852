import { lstat, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HomeRelativePath, LocalSection } from '../../../protocol';
import { templateFilePath, writeTemplateFiles } from './template-files';

describe('template files in the home', () => {
  let root: string;
  let home: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ss-home-files-'));
    home = join(root, 'home');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('writes each file 0600 in 0700 folders, replacing what was there', async () => {
    await writeTemplateFiles(home, { 'profile/user.js': 'one' });
    await writeTemplateFiles(home, { 'profile/user.js': 'two', '.config/app.conf': 'x=1' });
    expect(await readFile(join(home, 'profile/user.js'), 'utf8')).toBe('two');
    expect(await readFile(join(home, '.config/app.conf'), 'utf8')).toBe('x=1');
    expect((await stat(join(home, 'profile/user.js'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, 'profile'))).mode & 0o777).toBe(0o700);
  });

  it('replaces a symlink instead of writing through it', async () => {
    const outside = join(root, 'outside.txt');
    await writeFile(outside, 'keep');
    await writeTemplateFiles(home, { 'profile/user.js': 'first' });
    await rm(join(home, 'profile/user.js'));
    await symlink(outside, join(home, 'profile/user.js'));
    await writeTemplateFiles(home, { 'profile/user.js': 'mine' });
    expect(await readFile(outside, 'utf8')).toBe('keep');
    expect((await lstat(join(home, 'profile/user.js'))).isSymbolicLink()).toBe(false);
    await expect(readlink(join(home, 'profile/user.js'))).rejects.toThrow();
  });

  it('refuses paths that leave the home, in the schema and here', async () => {
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', './x', 'a//b', '', 'a/..']) {
      expect(HomeRelativePath.safeParse(bad).success, bad).toBe(false);
      expect(() => templateFilePath(home, bad), bad).toThrow(/not a path inside the home/);
    }
    expect(templateFilePath(home, '.mozilla/prefs.js')).toBe(join(home, '.mozilla/prefs.js'));
    await expect(writeTemplateFiles(home, { '../escape': 'x' })).rejects.toThrow(/inside the home/);
    await expect(stat(join(root, 'escape'))).rejects.toThrow(/ENOENT/);
  });

  it('takes a handful of files per template, not a bulk upload', () => {
    const files = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, 'x']));
    expect(LocalSection.safeParse({ command: ['app'], files: files(16) }).success).toBe(true);
    expect(LocalSection.safeParse({ command: ['app'], files: files(17) }).success).toBe(false);
  });
});
