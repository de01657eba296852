import { readFile, stat } from 'node:fs/promises';
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
      writeVncPasswordFile(join(dir(), 'd'), 'secret12', '/nonexistent/vncpasswd'),
    ).rejects.toThrow(/ENOENT/);
  });
});
