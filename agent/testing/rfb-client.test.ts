import { describe, expect, it } from 'vitest';
import { desEcbEncrypt, vncDesKey } from './rfb-client';

describe('VncAuth helpers', () => {
  it('mirrors the bits of each password byte', () => {
    expect(vncDesKey('\x01\x80').subarray(0, 2)).toEqual(Buffer.from([0x80, 0x01]));
    expect(vncDesKey('abc')).toHaveLength(8);
  });

  it('encrypts a known DES vector when DES is to be had', () => {
    const out = desEcbEncrypt(Buffer.alloc(8), Buffer.alloc(8));
    if (out !== null) expect(out.toString('hex')).toBe('8ca64de9c1b123a7');
  });
});
