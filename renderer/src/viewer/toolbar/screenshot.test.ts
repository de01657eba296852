import { describe, expect, it } from 'vitest';
import { canvasPng, ScreenshotError, screenshotName } from './screenshot';
import { SPECIAL_KEYS } from './special-keys';

describe('screenshot', () => {
  it('names the file after the app and the local time', () => {
    expect(screenshotName('Terminal', new Date(2026, 11, 2, 9, 5, 7))).toBe(
      'Terminal 2026-12-02 09-05-07.png',
    );
  });
  it('keeps characters no file system allows out of the name', () => {
    expect(screenshotName('a/b: "c"?', new Date(2026, 0, 1, 0, 0, 0))).toBe('a b c 2026-01-01 00-00-00.png');
    expect(screenshotName('///', new Date(2026, 0, 1, 0, 0, 0))).toBe('Session 2026-01-01 00-00-00.png');
  });
  it('refuses when there is no picture yet', async () => {
    await expect(canvasPng(null)).rejects.toBeInstanceOf(ScreenshotError);
  });
});

describe('special keys', () => {
  it('has Super and Ctrl+Alt+F1..F12 with X keysyms, each with a unique id', () => {
    const byId = new Map(SPECIAL_KEYS.map((k) => [k.id, k]));
    expect(byId.size).toBe(SPECIAL_KEYS.length);
    expect(byId.get('super')?.keysyms).toEqual([0xffeb]);
    expect(byId.get('ctrl-alt-f1')?.keysyms).toEqual([0xffe3, 0xffe9, 0xffbe]);
    expect(byId.get('ctrl-alt-f12')?.keysyms).toEqual([0xffe3, 0xffe9, 0xffc9]);
  });
});
