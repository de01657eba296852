import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../tests/support/scratch-dir';
import { writeVncPasswordFile } from './vnc-password';

describe('writeVncPasswordFile', () => {
  const dir = scratchDir('ss-vncpw-', { once: true });

  it('writes the 8-byte obfuscated password, readable by the owner only', async () => {
    const path = join(dir(), 'passwd');
    await writeVncPasswordFile(path, 'secret12');
    // TigerVNC's fixed-key DES of "secret12": stable across versions.
    expect((await readFile(path)).toString('hex')).toBe('24b5ae4ce15503c6');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('refuses passwords VncAuth would truncate or that break the line protocol', async () => {
    await expect(writeVncPasswordFile(join(dir(), 'a'), 'ninechars')).rejects.toThrow(/1 to 8/);
    await expect(writeVncPasswordFile(join(dir(), 'b'), 'ab\ncd')).rejects.toThrow();
    await expect(writeVncPasswordFile(join(dir(), 'c'), '')).rejects.toThrow();
  });

  it('reports a missing vncpasswd', async () => {
    await expect(
      writeVncPasswordFile(join(dir(), 'd'), 'secret12', { vncpasswdPath: '/nonexistent/vncpasswd' }),
    ).rejects.toThrow(/ENOENT/);
  });

  it('hands vncpasswd the password on stdin only, with none of the agent environment', async () => {
    // A stand-in that records what it was given: argv, environment and stdin.
    const fake = join(dir(), 'fake-vncpasswd');
    const seen = join(dir(), 'seen');
    await writeFile(
      fake,
      `#!/bin/sh\n{ echo "argv:$*"; env; echo "stdin:$(cat)"; } > ${seen}\nprintf 12345678\n`,
      { mode: 0o700 },
    );
    process.env.STREAMSPACE_AGENT_TOKEN = 'agent-token-secret';
    try {
      await writeVncPasswordFile(join(dir(), 'e'), 'pw4stdin', { vncpasswdPath: fake });
    } finally {
      delete process.env.STREAMSPACE_AGENT_TOKEN;
    }
    const text = await readFile(seen, 'utf8');
    expect(text).toContain('argv:-f\n');
    expect(text).toContain('stdin:pw4stdin');
    expect(text.split('\n').filter((line) => line.includes('pw4stdin'))).toEqual(['stdin:pw4stdin']);
    expect(text).not.toContain('agent-token-secret');
    expect(text).not.toContain('STREAMSPACE_');
  });
});
