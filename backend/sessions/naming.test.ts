import { describe, expect, it } from 'vitest';
import { DnsLabel } from '../../protocol';
import { sessionName, VNC_PASSWORD_ALPHABET, vncPassword } from './naming';

describe('sessionName', () => {
  it('follows <user>-<template>-<8 hex>', () => {
    expect(sessionName('alice', 'xterm', 'deadbeef')).toBe('alice-xterm-deadbeef');
    expect(sessionName('alice', 'xterm')).toMatch(/^alice-xterm-[0-9a-f]{8}$/);
  });

  it('stays a valid Kubernetes name for long and odd inputs', () => {
    const names = [
      sessionName('a'.repeat(32), 'b'.repeat(40), '01234567'),
      sessionName('Bob_Smith', 'My Template', '01234567'),
      sessionName('x-', '-y', '01234567'),
      sessionName('', '', '01234567'),
    ];
    for (const n of names) {
      expect(n.length).toBeLessThanOrEqual(63);
      expect(DnsLabel.safeParse(n).success, n).toBe(true);
    }
    expect(names[1]).toBe('bob-smith-my-template-01234567');
  });

  it('gives different names to two launches of the same template', () => {
    expect(sessionName('a', 'b')).not.toBe(sessionName('a', 'b'));
  });
});

describe('vncPassword', () => {
  it('is 8 characters, the most VncAuth uses, and random', () => {
    const a = vncPassword();
    expect(a).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(vncPassword()).not.toBe(a);
  });

  it('draws every character equally often: no modulo bias', () => {
    // Fed every byte value in turn, the 28 passwords that 224 accepted bytes make hold each of the
    // 56 characters exactly 4 times; `byte % 56` alone would give the first 32 five each.
    let next = 0;
    const cycle = (size: number) => Buffer.from(Array.from({ length: size }, () => next++ % 256));
    const counts = new Map<string, number>();
    for (let i = 0; i < 28; i++) {
      for (const c of vncPassword(cycle)) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(counts.size).toBe(VNC_PASSWORD_ALPHABET.length);
    expect(new Set(counts.values())).toEqual(new Set([4]));
    // Bytes 224 to 255 were skipped, not mapped.
    expect(vncPassword(() => Buffer.from([224, 255, 0]))).toBe('a'.repeat(8));
  });
});
