import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOnPath, localRuntimeAvailable } from './available';

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

describe('localRuntimeAvailable', () => {
  it('needs Linux and Xvnc on PATH', () => {
    expect(localRuntimeAvailable({ platform: 'linux', pathEnv: '/usr/bin' })).toBe(true);
    expect(localRuntimeAvailable({ platform: 'darwin', pathEnv: '/usr/bin' })).toBe(false);
    expect(localRuntimeAvailable({ platform: 'linux', pathEnv: '/nonexistent' })).toBe(false);
    expect(localRuntimeAvailable()).toBe(true);
  });
});
