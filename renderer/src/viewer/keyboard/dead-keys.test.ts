import { describe, expect, it } from 'vitest';
import { composeDeadKey, isDeadAccent } from './dead-keys';

describe('dead keys', () => {
  it('composes an accent with a letter that has a precomposed form', () => {
    expect(composeDeadKey('´', 'e')).toBe('é');
    expect(composeDeadKey('^', 'e')).toBe('ê');
    expect(composeDeadKey('`', 'A')).toBe('À');
    expect(composeDeadKey('¨', 'u')).toBe('ü');
    expect(composeDeadKey('~', 'n')).toBe('ñ');
    expect(composeDeadKey('ˇ', 'c')).toBe('č');
    expect(composeDeadKey('°', 'a')).toBe('å');
    expect(composeDeadKey('¸', 'c')).toBe('ç');
  });

  it('gives the accent alone after a space, and both where nothing composes', () => {
    expect(composeDeadKey('´', ' ')).toBe('´');
    expect(composeDeadKey('^', 'q')).toBe('^q');
    expect(composeDeadKey('´', '1')).toBe('´1');
  });

  it('tells accents from other characters', () => {
    expect(isDeadAccent('´')).toBe(true);
    expect(isDeadAccent('^')).toBe(true);
    expect(isDeadAccent('e')).toBe(false);
  });
});
