import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from './passwords';

/** A hash in the format and at the cost (N=2^15) this code wrote before. */
function legacyHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return `scrypt$32768$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

describe('passwords', () => {
  it('hashes at N=2^17, r=8, p=1 and verifies', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('wrong horse', hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
    expect(needsRehash(DUMMY_HASH)).toBe(false);
  });

  it('still verifies hashes of the old cost, and marks them for an upgrade', async () => {
    const old = legacyHash('s3cret');
    expect(await verifyPassword('s3cret', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
  });

  it('refuses malformed hashes without deriving anything', async () => {
    for (const bad of ['', 'plain', 'scrypt$x$8$1$a$b', 'scrypt$-1$8$1$a$b', 'bcrypt$1$2$3$4$5']) {
      expect(await verifyPassword('pw', bad)).toBe(false);
      expect(needsRehash(bad)).toBe(true);
    }
  });
});
