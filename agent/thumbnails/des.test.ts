import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { desEncryptBlock, vncAuthResponse, vncDesKey } from './des';

const hex = (s: string) => Buffer.from(s, 'hex');

/** OpenSSL's DES-ECB, the reference; null where OpenSSL has no DES (no legacy provider). */
function opensslDes(key: Buffer, block: Buffer): Buffer | null {
  try {
    const cipher = createCipheriv('des-ecb', key, null);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(block), cipher.final()]);
  } catch {
    return null;
  }
}

describe('desEncryptBlock', () => {
  it('matches the published DES vectors', () => {
    expect(desEncryptBlock(hex('133457799bbcdff1'), hex('0123456789abcdef')).toString('hex')).toBe(
      '85e813540f0ab405',
    );
    expect(desEncryptBlock(Buffer.alloc(8), Buffer.alloc(8)).toString('hex')).toBe('8ca64de9c1b123a7');
    expect(desEncryptBlock(hex('0e329232ea6d0d73'), hex('8787878787878787')).toString('hex')).toBe(
      '0000000000000000',
    );
  });

  it('agrees with OpenSSL on random keys and blocks', () => {
    for (let i = 0; i < 8; i++) {
      const key = randomBytes(8);
      const block = randomBytes(8);
      const reference = opensslDes(key, block);
      // OpenSSL without its legacy provider has no DES; the vectors above still hold.
      if (reference === null) return;
      expect(desEncryptBlock(key, block).toString('hex')).toBe(reference.toString('hex'));
    }
  });

  it('refuses a key or block of the wrong size', () => {
    expect(() => desEncryptBlock(Buffer.alloc(7), Buffer.alloc(8))).toThrow(RangeError);
  });
});

describe('vncAuthResponse', () => {
  it('encrypts both halves of the challenge with the mirrored password key', () => {
    const challenge = randomBytes(16);
    const key = vncDesKey('secret12');
    expect(vncAuthResponse('secret12', challenge)).toEqual(
      Buffer.concat([
        desEncryptBlock(key, challenge.subarray(0, 8)),
        desEncryptBlock(key, challenge.subarray(8)),
      ]),
    );
    expect(vncDesKey('\x01\x80').subarray(0, 2)).toEqual(Buffer.from([0x80, 0x01]));
    expect(vncDesKey('abc')).toHaveLength(8);
  });
});
