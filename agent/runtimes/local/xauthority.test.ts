import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWildcardCookie, writeXauthority } from './xauthority';

describe('encodeWildcardCookie', () => {
  it('lays out family, empty address and number, name and data', () => {
    const cookie = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const entry = encodeWildcardCookie(cookie);
    expect(entry.readUInt16BE(0)).toBe(0xffff);
    expect(entry.readUInt16BE(2)).toBe(0);
    expect(entry.readUInt16BE(4)).toBe(0);
    expect(entry.readUInt16BE(6)).toBe(18);
    expect(entry.subarray(8, 26).toString('latin1')).toBe('MIT-MAGIC-COOKIE-1');
    expect(entry.readUInt16BE(26)).toBe(16);
    expect(entry.subarray(28)).toEqual(cookie);
  });
});

describe('writeXauthority', () => {
  it('writes a 0600 file that xauth reads back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ss-xauth-'));
    try {
      const path = join(dir, 'Xauthority');
      await writeXauthority(path, Buffer.alloc(16, 0xab));
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const listed = execFileSync('xauth', ['-f', path, 'list'], { encoding: 'utf8' });
      expect(listed).toContain('MIT-MAGIC-COOKIE-1');
      expect(listed).toContain('ab'.repeat(16));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
