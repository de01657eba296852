import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOnPath, localRuntimeAvailable, missingProgram, programInstalled } from './available';

describe('findOnPath', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ss-path-'));
    await writeFile(join(dir, 'runme'), '#!/bin/sh\n');
    await chmod(join(dir, 'runme'), 0o755);
    await writeFile(join(dir, 'plain'), '');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds executables and skips non-executable files and relative dirs', () => {
    expect(findOnPath('runme', `/nonexistent:${dir}`)).toBe(join(dir, 'runme'));
    expect(findOnPath('plain', dir)).toBeNull();
    expect(findOnPath('runme', 'relative')).toBeNull();
    expect(findOnPath('runme', undefined)).toBeNull();
  });
});

describe('programInstalled', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ss-prog-'));
    await writeFile(join(dir, 'app'), '#!/bin/sh\n');
    await chmod(join(dir, 'app'), 0o755);
    await writeFile(join(dir, 'data'), '');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('looks bare names up on PATH and checks absolute paths as they are', () => {
    expect(programInstalled('app', dir)).toBe(true);
    expect(programInstalled('app', '/nonexistent')).toBe(false);
    expect(programInstalled(join(dir, 'app'), '/nonexistent')).toBe(true);
    expect(programInstalled(join(dir, 'data'), dir)).toBe(false);
    // A relative path would depend on the agent's working directory: never counted as installed.
    expect(programInstalled('./app', dir)).toBe(false);
  });
});

describe('missingProgram', () => {
  it('is null when the command is on PATH', () => {
    expect(missingProgram({ command: ['sh', '-c', 'true'], aptPackage: 'dash' }, '/bin:/usr/bin')).toBeNull();
  });

  it('names the program and the apt package to install when it is not', () => {
    expect(missingProgram({ command: ['gimp', '--no-splash'], aptPackage: 'gimp' }, '/nonexistent')).toEqual({
      program: 'gimp',
      aptPackage: 'gimp',
      hint: 'Install with: sudo apt install gimp',
    });
  });

  it('still says what is missing when the template names no package', () => {
    expect(missingProgram({ command: ['my-tool'] }, '/nonexistent')).toEqual({
      program: 'my-tool',
      hint: 'Install my-tool and put it on PATH',
    });
  });
});

describe('localRuntimeAvailable', () => {
  it('needs Linux and Xvnc on PATH', () => {
    expect(localRuntimeAvailable({ platform: 'linux', pathEnv: '/usr/bin' })).toBe(true);
    expect(localRuntimeAvailable({ platform: 'darwin', pathEnv: '/usr/bin' })).toBe(false);
    expect(localRuntimeAvailable({ platform: 'linux', pathEnv: '/nonexistent' })).toBe(false);
    expect(localRuntimeAvailable()).toBe(true);
  });
});
