import { describe, expect, it } from 'vitest';
import type { PreferenceStorage } from '../scaling/scaling-store';
import { DEFAULT_PREFS, loadPrefs, PREFS_KEY, parsePrefs, savePrefs } from './viewer-prefs';

describe('viewer prefs', () => {
  it("starts from noVNC's defaults", () => {
    expect(parsePrefs(null)).toEqual({ quality: 6, compression: 2, keyboardLayout: 'auto' });
  });
  it('round-trips through storage', () => {
    const map = new Map<string, string>();
    const storage: PreferenceStorage = {
      getItem: (k) => map.get(k) ?? null,
      setItem: (k, v) => void map.set(k, v),
    };
    savePrefs(storage, { quality: 9, compression: 0, keyboardLayout: 'de' });
    expect(JSON.parse(map.get(PREFS_KEY) ?? '')).toEqual({
      quality: 9,
      compression: 0,
      keyboardLayout: 'de',
    });
    expect(loadPrefs(storage)).toEqual({ quality: 9, compression: 0, keyboardLayout: 'de' });
  });
  it('keeps what it can read of a damaged value, field by field', () => {
    expect(parsePrefs('{"quality": 3, "compression": 12, "keyboardLayout": "klingon"}')).toEqual({
      ...DEFAULT_PREFS,
      quality: 3,
    });
    expect(parsePrefs('{"quality": 2.5}')).toEqual(DEFAULT_PREFS);
    expect(parsePrefs('not json')).toEqual(DEFAULT_PREFS);
    expect(parsePrefs('[1,2]')).toEqual(DEFAULT_PREFS);
  });
  it('survives storage that throws', () => {
    const broken: PreferenceStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(loadPrefs(broken)).toEqual(DEFAULT_PREFS);
    expect(() => savePrefs(broken, DEFAULT_PREFS)).not.toThrow();
  });
});
