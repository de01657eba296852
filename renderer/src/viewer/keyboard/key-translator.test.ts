import { describe, expect, it } from 'vitest';
import { createKeyTranslator, type KeyAction, type KeyInfo, shortcutKeysym } from './key-translator';
import { XK } from './keysyms';

const key = (k: string, code: string, more: Partial<KeyInfo> = {}): KeyInfo => ({
  key: k,
  code,
  shiftKey: false,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  repeat: false,
  isComposing: false,
  keyCode: 0,
  altGraph: false,
  ...more,
});

const down = (keysym: number): KeyAction => ({ keysym, down: true });
const up = (keysym: number): KeyAction => ({ keysym, down: false });
const tap = (keysym: number) => [down(keysym), up(keysym)];

describe('key translator', () => {
  it('sends what the key typed, not its position, and releases what it pressed', () => {
    const t = createKeyTranslator();
    // German QWERTZ: the key at KeyY types z.
    expect(t.keyDown(key('z', 'KeyY'))).toEqual({ actions: [down(0x7a)], preventDefault: true });
    expect(t.keyUp(key('z', 'KeyY'))).toEqual({ actions: [up(0x7a)], preventDefault: true });
    expect(t.keyDown(key('ö', 'Semicolon')).actions).toEqual([down(0xf6)]);
    expect(t.keyDown(key('€', 'KeyE', { altGraph: true, ctrlKey: true, altKey: true })).actions).toEqual([
      down(0x010020ac),
    ]);
  });

  it('releases with the keysym it pressed even if the key says otherwise by then', () => {
    const t = createKeyTranslator();
    t.keyDown(key('a', 'KeyA'));
    expect(t.keyUp(key('A', 'KeyA', { shiftKey: true })).actions).toEqual([up(0x61)]);
    expect(t.keyUp(key('A', 'KeyA')).actions).toEqual([]);
  });

  it('repeats a held key with the same keysym', () => {
    const t = createKeyTranslator();
    t.keyDown(key('x', 'KeyX'));
    expect(t.keyDown(key('x', 'KeyX', { repeat: true })).actions).toEqual([down(0x78)]);
  });

  it('sends shortcuts by the letter on the key, and by position where the key has no Latin letter', () => {
    expect(shortcutKeysym('z', 'KeyY', false)).toBe(0x7a);
    expect(shortcutKeysym('q', 'KeyA', false)).toBe(0x71);
    expect(shortcutKeysym('я', 'KeyZ', false)).toBe(0x7a);
    expect(shortcutKeysym('é', 'Digit2', false)).toBe(0x32);
    const t = createKeyTranslator();
    expect(t.keyDown(key('Control', 'ControlLeft', { ctrlKey: true })).actions).toEqual([down(XK.ControlL)]);
    expect(t.keyDown(key('z', 'KeyY', { ctrlKey: true })).actions).toEqual([down(0x7a)]);
  });

  it('never sends AltGr itself, and takes back the fake Ctrl Windows puts before it', () => {
    const t = createKeyTranslator();
    expect(t.keyDown(key('Control', 'ControlLeft', { ctrlKey: true })).actions).toEqual([down(XK.ControlL)]);
    expect(t.keyDown(key('AltGraph', 'AltRight', { ctrlKey: true, altKey: true })).actions).toEqual([
      up(XK.ControlL),
    ]);
    // Ctrl+Alt on the character is AltGr's, not a shortcut: the character goes as it is.
    expect(t.keyDown(key('@', 'Digit0', { ctrlKey: true, altKey: true })).actions).toEqual([down(0x40)]);
    expect(t.keyUp(key('@', 'Digit0')).actions).toEqual([up(0x40)]);
    expect(t.keyUp(key('AltGraph', 'AltRight')).actions).toEqual([]);
    expect(t.keyUp(key('Control', 'ControlLeft')).actions).toEqual([]);
    // With AltGr up, Ctrl+Alt is a shortcut again.
    t.keyDown(key('Control', 'ControlLeft', { ctrlKey: true }));
    expect(t.keyDown(key('é', 'Digit2', { ctrlKey: true, altKey: true })).actions).toEqual([down(0x32)]);
  });

  it('leaves a dead key and the next key to the browser, which inserts the composed text', () => {
    const t = createKeyTranslator();
    expect(t.keyDown(key('Dead', 'Equal'))).toEqual({ actions: [], preventDefault: false });
    expect(t.keyUp(key('Dead', 'Equal')).actions).toEqual([]);
    expect(t.keyDown(key('é', 'KeyE'))).toEqual({ actions: [], preventDefault: false });
    expect(t.text('é')).toEqual(tap(0xe9));
    expect(t.keyUp(key('é', 'KeyE')).actions).toEqual([]);
    // And the key after it is an ordinary one again.
    expect(t.keyDown(key('e', 'KeyE')).actions).toEqual([down(0x65)]);
  });

  it('sends the composed key itself when the browser inserted nothing', () => {
    const t = createKeyTranslator();
    t.keyDown(key('Dead', 'BracketLeft'));
    t.keyDown(key('ê', 'KeyE'));
    expect(t.keyUp(key('ê', 'KeyE')).actions).toEqual(tap(0xea));
  });

  it('composes an accent that a dead key typed as text with the next character', () => {
    const t = createKeyTranslator();
    t.keyDown(key('Dead', 'Equal'));
    expect(t.text('´')).toEqual([]);
    expect(t.keyDown(key('e', 'KeyE'))).toEqual({ actions: tap(0xe9), preventDefault: true });
    t.keyDown(key('Dead', 'Equal'));
    t.text('´');
    expect(t.keyDown(key('Escape', 'Escape')).actions).toEqual([]);
    t.keyDown(key('Dead', 'Backquote'));
    t.text('^');
    expect(t.keyDown(key('Enter', 'Enter')).actions).toEqual([...tap(0x5e), down(XK.Return)]);
  });

  it('leaves keys to an input method while it composes', () => {
    const t = createKeyTranslator();
    expect(t.keyDown(key('Process', 'KeyN', { keyCode: 229 }))).toEqual({
      actions: [],
      preventDefault: false,
    });
    expect(t.keyDown(key('n', 'KeyN', { isComposing: true }))).toEqual({
      actions: [],
      preventDefault: false,
    });
    expect(t.text('日本')).toEqual([...tap(0x010065e5), ...tap(0x0100672c)]);
  });

  it('falls back to the US character at the key, and swallows keys that type nothing', () => {
    const t = createKeyTranslator();
    expect(t.keyDown(key('Unidentified', 'KeyQ')).actions).toEqual([down(0x71)]);
    expect(t.keyDown(key('LaunchApplication1', 'LaunchApp1'))).toEqual({ actions: [], preventDefault: true });
    expect(t.keyUp(key('LaunchApplication1', 'LaunchApp1')).actions).toEqual([]);
    // A virtual keyboard's key has no position: pressed and released at once.
    expect(t.keyDown(key('x', '')).actions).toEqual(tap(0x78));
  });

  it('releases everything still held when the focus goes', () => {
    const t = createKeyTranslator();
    t.keyDown(key('Shift', 'ShiftLeft', { shiftKey: true }));
    t.keyDown(key('A', 'KeyA', { shiftKey: true }));
    expect(t.releaseAll()).toEqual([up(XK.ShiftL), up(0x41)]);
    expect(t.releaseAll()).toEqual([]);
  });
});
