import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDataDirPrivate } from './data-dir';

const modeOf = (path: string) => statSync(path).mode & 0o7777;

describe('makeDataDirPrivate', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ss-datadir-'));
    chmodSync(root, 0o755);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates a missing folder, parents included, 0700', async () => {
    const dir = join(root, 'a', 'b', 'data');
    expect(await makeDataDirPrivate(dir)).toEqual({ changed: 0, failed: [] });
    expect(modeOf(dir)).toBe(0o700);
  });

  it('takes group and other bits off every folder and file, keeping the owner bits', async () => {
    const dir = join(root, 'data');
    mkdirSync(join(dir, 'pglite', 'base', '1'), { recursive: true, mode: 0o777 });
    for (const d of [dir, join(dir, 'pglite'), join(dir, 'pglite', 'base'), join(dir, 'pglite', 'base', '1')])
      chmodSync(d, 0o777);
    writeFileSync(join(dir, 'pglite', 'base', '1', '1259'), 'rows', { mode: 0o666 });
    chmodSync(join(dir, 'pglite', 'base', '1', '1259'), 0o666);
    writeFileSync(join(dir, 'script'), '#!/bin/sh', { mode: 0o755 });
    chmodSync(join(dir, 'script'), 0o755);
    writeFileSync(join(dir, 'readonly'), 'x');
    chmodSync(join(dir, 'readonly'), 0o444);
    writeFileSync(join(dir, 'fine'), 'x', { mode: 0o600 });
    chmodSync(join(dir, 'fine'), 0o600);

    const report = await makeDataDirPrivate(dir);
    expect(report.failed).toEqual([]);
    expect(report.changed).toBe(7);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(dir, 'pglite'))).toBe(0o700);
    expect(modeOf(join(dir, 'pglite', 'base', '1'))).toBe(0o700);
    expect(modeOf(join(dir, 'pglite', 'base', '1', '1259'))).toBe(0o600);
    expect(modeOf(join(dir, 'script'))).toBe(0o700);
    expect(modeOf(join(dir, 'readonly'))).toBe(0o400);
    expect(modeOf(join(dir, 'fine'))).toBe(0o600);
    // A second start finds nothing to do.
    expect(await makeDataDirPrivate(dir)).toEqual({ changed: 0, failed: [] });
  });

  it('neither follows nor changes symlinks inside, but follows the top one', async () => {
    const outside = join(root, 'outside');
    mkdirSync(outside, { mode: 0o755 });
    chmodSync(outside, 0o755);
    writeFileSync(join(outside, 'shared'), 'x');
    chmodSync(join(outside, 'shared'), 0o644);
    const dir = join(root, 'data');
    mkdirSync(dir);
    symlinkSync(outside, join(dir, 'link-to-dir'));
    symlinkSync(join(outside, 'shared'), join(dir, 'link-to-file'));
    symlinkSync(join(root, 'missing'), join(dir, 'dangling'));

    expect((await makeDataDirPrivate(dir)).failed).toEqual([]);
    expect(modeOf(outside)).toBe(0o755);
    expect(modeOf(join(outside, 'shared'))).toBe(0o644);
    expect(lstatSync(join(dir, 'link-to-dir')).isSymbolicLink()).toBe(true);

    const real = join(root, 'real');
    mkdirSync(real);
    chmodSync(real, 0o755);
    symlinkSync(real, join(root, 'chosen'));
    await makeDataDirPrivate(join(root, 'chosen'));
    expect(modeOf(real)).toBe(0o700);
  });

  it('does nothing on Windows, where modes are not how access is controlled', async () => {
    const dir = join(root, 'data');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    expect(await makeDataDirPrivate(dir, 'win32')).toEqual({ changed: 0, failed: [] });
    expect(modeOf(dir)).toBe(0o755);
  });
});
