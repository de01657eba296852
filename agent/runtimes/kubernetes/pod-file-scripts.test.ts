import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UPLOAD_TEMP_PREFIX } from '../../files/session-files';
import { exitCodeOf } from './pod-exec';
import { LIST_SCRIPT, parseListing, parseSizeLine, READ_SCRIPT, shellCommand } from './pod-file-scripts';

const run = promisify(execFile);

describe('parseListing', () => {
  it('reads find’s records, keeps tabs in names, hides uploads in progress and sorts by name', () => {
    const out = Buffer.from(
      [
        'f\t12\t1700000000.25\tb.txt',
        'd\t4096\t1700000001.0\tDownloads',
        'l\t9\t1700000002.5\tlink',
        `f\t3\t1700000003\t${UPLOAD_TEMP_PREFIX}abc`,
        'f\t5\t1700000004\ta\ttab.txt',
        '',
      ].join('\0'),
    );
    expect(parseListing(out)).toEqual([
      { name: 'a\ttab.txt', type: 'file', size: 5, mtime: new Date(1_700_000_004_000).toISOString() },
      { name: 'b.txt', type: 'file', size: 12, mtime: new Date(1_700_000_000_250).toISOString() },
      { name: 'Downloads', type: 'directory', size: 0, mtime: new Date(1_700_000_001_000).toISOString() },
      { name: 'link', type: 'other', size: 0, mtime: new Date(1_700_000_002_500).toISOString() },
    ]);
  });

  it('skips records that are not whole', () => {
    expect(parseListing(Buffer.from('f\t1\tbroken\0\0'))).toEqual([]);
  });
});

describe('parseSizeLine', () => {
  it('reads "size mtime" and nothing else', () => {
    expect(parseSizeLine('42 1700000000\n')).toEqual({ size: 42, mtime: new Date(1_700_000_000_000) });
    expect(parseSizeLine('ready')).toBeNull();
    expect(parseSizeLine('-1 5')).toBeNull();
  });
});

describe('exitCodeOf', () => {
  it('reads the Status on the error channel', () => {
    expect(exitCodeOf({ status: 'Success' })).toBe(0);
    expect(
      exitCodeOf({
        status: 'Failure',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '4' }] },
      }),
    ).toBe(4);
    expect(exitCodeOf({ status: 'Failure', reason: 'InternalError', message: 'no such container' })).toBe(-1);
  });
});

// The scripts themselves, run by this host's sh as a container would run them.
describe('the scripts under a real sh', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'ss-pod-scripts-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  const sh = (script: string, ...args: string[]) => {
    const [program = 'sh', ...rest] = shellCommand(script, ...args);
    return run(program, rest, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
      encoding: 'buffer',
    });
  };
  const exitOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 0,
      (error: { code?: number }) => error.code,
    );

  it('lists a folder, and refuses one that is a link out of the home', async () => {
    await writeFile(join(home, 'a b.txt'), 'xyz');
    await symlink('/etc', join(home, 'etc'));
    const { stdout } = await sh(LIST_SCRIPT, '', '');
    expect(parseListing(stdout).map((e) => [e.name, e.type, e.size])).toEqual([
      ['a b.txt', 'file', 3],
      ['etc', 'other', 0],
    ]);
    expect(await exitOf(sh(LIST_SCRIPT, 'etc', ''))).toBe(4);
    expect(await exitOf(sh(LIST_SCRIPT, 'nowhere', ''))).toBe(3);
  });

  it('reads with a size line first, and takes arguments as data, never as shell', async () => {
    await writeFile(join(home, '$(touch pwned)'), 'hi');
    const { stdout } = await sh(READ_SCRIPT, '$(touch pwned)');
    const text = stdout.toString('utf8');
    expect(text.split('\n')[0]).toMatch(/^2 \d+$/);
    expect(text.split('\n')[1]).toBe('hi');
    expect(await exitOf(sh(READ_SCRIPT, 'pwned'))).toBe(3);
  });
});
