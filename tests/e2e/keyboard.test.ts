import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import {
  onDisplay,
  openViewer,
  type ProbeSession,
  startProbeSession,
  typedBytes,
  type XDisplay,
} from './session-x';

/**
 * Key events as Chromium makes them from a physical keyboard with a given layout: `key` is what
 * the layout types, `code` the key's position, `text` the character, `modifiers` the held keys.
 */
type Modifier = 'Shift' | 'Control' | 'AltGr' | 'AltGrWindows';
interface Stroke {
  key: string;
  code: string;
  mods?: Modifier[];
}

const SHIFT = 8;
const CTRL = 2;
const ALT = 1;

function virtualKey(code: string, key: string): number {
  const letter = /^Key([A-Z])$/.exec(code)?.[1];
  if (letter) return letter.charCodeAt(0);
  const digit = /^Digit(\d)$/.exec(code)?.[1];
  if (digit) return digit.charCodeAt(0);
  if (key === 'Enter') return 13;
  return 0xba;
}

async function modifierDown(cdp: CDPSession, mod: Modifier): Promise<number> {
  switch (mod) {
    case 'Shift':
      await cdp.send('Input.dispatchKeyEvent', {
        type: 'rawKeyDown',
        key: 'Shift',
        code: 'ShiftLeft',
        windowsVirtualKeyCode: 16,
        modifiers: SHIFT,
      });
      return SHIFT;
    case 'Control':
      await cdp.send('Input.dispatchKeyEvent', {
        type: 'rawKeyDown',
        key: 'Control',
        code: 'ControlLeft',
        windowsVirtualKeyCode: 17,
        modifiers: CTRL,
      });
      return CTRL;
    case 'AltGr':
      // Linux: AltGr is its own key, and the characters it types carry no Ctrl or Alt.
      await cdp.send('Input.dispatchKeyEvent', {
        type: 'rawKeyDown',
        key: 'AltGraph',
        code: 'AltRight',
        windowsVirtualKeyCode: 225,
      });
      return 0;
    case 'AltGrWindows':
      // Windows: AltGr comes as a fake left Ctrl and then AltGraph, and its characters say Ctrl+Alt.
      await cdp.send('Input.dispatchKeyEvent', {
        type: 'rawKeyDown',
        key: 'Control',
        code: 'ControlLeft',
        windowsVirtualKeyCode: 17,
        modifiers: CTRL,
      });
      await cdp.send('Input.dispatchKeyEvent', {
        type: 'rawKeyDown',
        key: 'AltGraph',
        code: 'AltRight',
        windowsVirtualKeyCode: 18,
        modifiers: CTRL | ALT,
      });
      return CTRL | ALT;
  }
}

async function modifierUp(cdp: CDPSession, mod: Modifier): Promise<void> {
  const up = (key: string, code: string) => cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key, code });
  if (mod === 'Shift') await up('Shift', 'ShiftLeft');
  if (mod === 'Control') await up('Control', 'ControlLeft');
  if (mod === 'AltGr') await up('AltGraph', 'AltRight');
  if (mod === 'AltGrWindows') {
    await up('AltGraph', 'AltRight');
    await up('Control', 'ControlLeft');
  }
}

/**
 * One key press as Chromium dispatches it: keyDown carrying the text it types (Chromium makes the
 * keydown and the keypress of it), or, `split`, a rawKeyDown then a separate char event, as
 * Chromium gets them from Windows; then keyUp.
 */
async function stroke(cdp: CDPSession, s: Stroke, split = false): Promise<void> {
  let modifiers = 0;
  for (const mod of s.mods ?? []) modifiers |= await modifierDown(cdp, mod);
  const windowsVirtualKeyCode = virtualKey(s.code, s.key);
  const isChar = [...s.key].length === 1;
  // With Ctrl (not AltGr) held, Chromium's text is the control character, as a terminal's would be.
  const ctrlOnly = (modifiers & CTRL) !== 0 && !(s.mods ?? []).includes('AltGrWindows');
  const text = !isChar ? (s.key === 'Enter' ? '\r' : undefined) : ctrlOnly ? undefined : s.key;
  const base = { key: s.key, code: s.code, windowsVirtualKeyCode, modifiers };
  if (text && split) {
    await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', ...base });
    await cdp.send('Input.dispatchKeyEvent', { type: 'char', ...base, text, unmodifiedText: text });
  } else {
    await cdp.send('Input.dispatchKeyEvent', {
      type: text ? 'keyDown' : 'rawKeyDown',
      ...base,
      ...(text ? { text, unmodifiedText: text } : {}),
    });
  }
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...base });
  for (const mod of [...(s.mods ?? [])].reverse()) await modifierUp(cdp, mod);
}

const keys = (...strokes: Stroke[]) => strokes;
const dead = (code: string): Stroke => ({ key: 'Dead', code });

/** A German (de) keyboard: QWERTZ, umlauts, AltGr symbols, dead ´ and ^, and Ctrl+Z to undo. */
const GERMAN = {
  strokes: keys(
    { key: 'z', code: 'KeyY' },
    { key: 'y', code: 'KeyZ' },
    { key: 'ö', code: 'Semicolon' },
    { key: 'ä', code: 'Quote' },
    { key: 'ü', code: 'BracketLeft' },
    { key: 'ß', code: 'Minus' },
    { key: '@', code: 'KeyQ', mods: ['AltGr'] },
    { key: '|', code: 'IntlBackslash', mods: ['AltGr'] },
    { key: '{', code: 'Digit7', mods: ['AltGr'] },
    { key: '€', code: 'KeyE', mods: ['AltGr'] },
    { key: 'Z', code: 'KeyY', mods: ['Shift'] },
    dead('Equal'),
    { key: 'é', code: 'KeyE' },
    dead('Backquote'),
    { key: 'ê', code: 'KeyE' },
    { key: 'z', code: 'KeyY', mods: ['Control'] },
  ),
  expected: 'zyöäüß@|{€Zéê\x1a',
};

/** A French (fr) AZERTY keyboard, with AltGr as Windows reports it (fake Ctrl, then AltGraph). */
const FRENCH = {
  strokes: keys(
    { key: 'a', code: 'KeyQ' },
    { key: 'z', code: 'KeyW' },
    { key: 'q', code: 'KeyA' },
    { key: 'é', code: 'Digit2' },
    { key: 'è', code: 'Digit7' },
    { key: 'ç', code: 'Digit9' },
    { key: 'à', code: 'Digit0' },
    { key: '@', code: 'Digit0', mods: ['AltGrWindows'] },
    { key: '#', code: 'Digit3', mods: ['AltGrWindows'] },
    { key: '{', code: 'Digit4', mods: ['AltGrWindows'] },
    { key: '€', code: 'KeyE', mods: ['AltGrWindows'] },
    dead('BracketLeft'),
    { key: 'ê', code: 'KeyE' },
    { key: '1', code: 'Digit1', mods: ['Shift'] },
  ),
  expected: 'azqéèçà@#{€ê1',
};

/** A UK (gb) keyboard: @ and " swapped, £, # and ~ by Enter, \ and | by the left Shift, AltGr €. */
const UK = {
  strokes: keys(
    { key: '@', code: 'Quote', mods: ['Shift'] },
    { key: '"', code: 'Digit2', mods: ['Shift'] },
    { key: '£', code: 'Digit3', mods: ['Shift'] },
    { key: '#', code: 'Backslash' },
    { key: '~', code: 'Backslash', mods: ['Shift'] },
    { key: '\\', code: 'IntlBackslash' },
    { key: '|', code: 'IntlBackslash', mods: ['Shift'] },
    { key: '€', code: 'Digit4', mods: ['AltGr'] },
    { key: '`', code: 'Backquote' },
    { key: '¬', code: 'Backquote', mods: ['Shift'] },
  ),
  expected: '@"£#~\\|€`¬',
};

describe('keyboards in Chromium: real key events reach an xterm as typed, whatever the layouts', () => {
  let session: ProbeSession;
  let viewer: Page;
  let cdp: CDPSession;
  let display: XDisplay;
  /** What the app had received before the current step. */
  let seen = '';

  /** Waits for the app to receive `more` after what it had, and compares exactly what came. */
  async function received(more: string): Promise<void> {
    const want = Buffer.byteLength(seen) + Buffer.byteLength(more);
    await eventually(
      async () => Buffer.byteLength(typedBytes(display)) >= want,
      20_000,
      'the typed text',
    ).catch(() => undefined);
    const all = typedBytes(display);
    const got = all.slice(seen.length);
    seen = all;
    expect(JSON.stringify(got)).toBe(JSON.stringify(more));
  }

  async function typeStrokes(strokes: Stroke[], split = false): Promise<void> {
    for (const s of strokes) await stroke(cdp, s, split);
  }

  beforeAll(async () => {
    session = await startProbeSession();
    display = session.display;
    viewer = await openViewer(session.browser, session.probe.stack.url, session.name);
    cdp = await viewer.context().newCDPSession(viewer);
    await viewer.getByTestId('viewer-screen').click();
    // The keys go to the viewer's input, which holds the focus for the canvas.
    await eventually(
      async () =>
        (await viewer.evaluate(() => document.activeElement?.getAttribute('data-testid'))) ===
        'viewer-keyboard-input',
      10_000,
      "the viewer's keyboard input to have the focus",
    );
  }, 180_000);

  afterAll(async () => {
    await session?.stop();
  });

  it('keeps plain characters working (Playwright types ASCII as key events)', async () => {
    await viewer.keyboard.type('Plain ASCII 123 ~!', { delay: 5 });
    await viewer.keyboard.press('Enter');
    await received('Plain ASCII 123 ~!\r');
  }, 60_000);

  it('types German, with AltGr, dead keys and Ctrl+Z by its letter, on a us session layout', async () => {
    await typeStrokes(GERMAN.strokes);
    await received(GERMAN.expected);
  }, 60_000);

  it('types French AZERTY with Windows-style AltGr and a dead circumflex, keydown and char apart', async () => {
    await typeStrokes(FRENCH.strokes, true);
    await received(FRENCH.expected);
  }, 60_000);

  it('types UK symbols, Shift and AltGr ones included', async () => {
    await typeStrokes(UK.strokes);
    await received(UK.expected);
  }, 60_000);

  it('sends keys by position when the key has no mapping, and drops keys that type nothing', async () => {
    await typeStrokes([
      { key: 'Unidentified', code: 'KeyQ' },
      { key: 'LaunchApplication1', code: 'LaunchApp1' },
      { key: 'Enter', code: 'Enter' },
    ]);
    await received('q\r');
  }, 60_000);

  it('types text that comes without key events: insertText and a finished IME composition', async () => {
    await cdp.send('Input.insertText', { text: 'Grüße — 東京 ✓' });
    await received('Grüße — 東京 ✓');
    await cdp.send('Input.imeSetComposition', { text: 'にほ', selectionStart: 2, selectionEnd: 2 });
    await cdp.send('Input.insertText', { text: '日本' });
    await received('日本');
    // Playwright types what a US keyboard cannot as insertText. Characters beyond the BMP (emoji)
    // have keysyms too (0x1000000 + the code point), which TigerVNC binds to a spare key.
    await viewer.keyboard.type('ñ😀x');
    await received('ñ😀x');
    await cdp.send('Input.insertText', { text: '👍🏽 ok' });
    await received('👍🏽 ok');
    // Xvnc has about twenty spare keys for characters its layout lacks and never gives one back;
    // the agent frees them, so a long run of distinct ones (Chinese through an IME, say) all arrive.
    const many = Array.from({ length: 60 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
    for (const char of many) {
      await cdp.send('Input.insertText', { text: char });
      // Faster than anyone types, or an input method commits, but not all in one go.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await received(many);
  }, 60_000);

  it('types German the same when the session layout is de', async () => {
    onDisplay(display, 'setxkbmap', ['de']);
    expect(onDisplay(display, 'setxkbmap', ['-query'])).toMatch(/layout:\s+de/);
    await typeStrokes(GERMAN.strokes);
    await received(GERMAN.expected);
    await typeStrokes(UK.strokes);
    await received(UK.expected);
  }, 60_000);
  it('types letters as typed while the session’s Caps Lock is on and this keyboard’s is off', async () => {
    // Keysyms carry the case, and TigerVNC presses Shift as the session's lock state needs, so a
    // Caps Lock out of step changes no letter and no lock sync is needed.
    onDisplay(display, 'xdotool', ['key', 'Caps_Lock']);
    try {
      expect(onDisplay(display, 'xset', ['q'])).toMatch(/Caps Lock:\s+on/);
      await typeStrokes([
        { key: 'a', code: 'KeyA' },
        { key: 'B', code: 'KeyB', mods: ['Shift'] },
        { key: 'ä', code: 'Quote' },
      ]);
      await received('aBä');
    } finally {
      onDisplay(display, 'xdotool', ['key', 'Caps_Lock']);
    }
    expect(onDisplay(display, 'xset', ['q'])).toMatch(/Caps Lock:\s+off/);
  }, 60_000);
});
