import { composeDeadKey, isDeadAccent } from './dead-keys';
import {
  isCharacterKey,
  keysymForChar,
  keysymForCode,
  keysymForNamedKey,
  keysymsForText,
  usCharForCode,
  XK,
} from './keysyms';

/** What the translator reads of a KeyboardEvent. */
export interface KeyInfo {
  key: string;
  code: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  repeat: boolean;
  isComposing: boolean;
  keyCode: number;
  /** getModifierState('AltGraph'): Windows reports AltGr as Ctrl+Alt and says so only here. */
  altGraph: boolean;
}

export interface KeyAction {
  keysym: number;
  down: boolean;
}

export interface KeyDecision {
  actions: KeyAction[];
  /**
   * Whether the browser must not act on the key. False leaves it to the browser's text input
   * (an IME, a dead key), whose text then arrives through `text`.
   */
  preventDefault: boolean;
}

export interface KeyTranslator {
  keyDown(event: KeyInfo): KeyDecision;
  keyUp(event: KeyInfo): KeyDecision;
  /** Text that arrived without key events of its own: IME, compose, dictation, insertText. */
  text(text: string): KeyAction[];
  /** Focus left: release whatever the session still holds down. */
  releaseAll(): KeyAction[];
}

const LEAVE: KeyDecision = { actions: [], preventDefault: false };
const SWALLOW: KeyDecision = { actions: [], preventDefault: true };

const tap = (keysym: number): KeyAction[] => [
  { keysym, down: true },
  { keysym, down: false },
];

/**
 * The keysym a shortcut sends: the letter on the key (Ctrl+Z on a German keyboard is key "z" at
 * KeyY, and must undo, not redo), unless the layout puts no Latin character there (Cyrillic,
 * Greek), where it goes by position as the US layout would, as desktops do for shortcuts.
 */
export function shortcutKeysym(key: string, code: string, shift: boolean): number | null {
  const cp = key.codePointAt(0) ?? 0;
  if (cp > 0x20 && cp < 0x7f) return cp;
  const us = usCharForCode(code, shift);
  if (us !== null && us !== ' ') return keysymForChar(us);
  return keysymForChar(key);
}

/**
 * Turns the browser's key events into X keysyms, independent of the session's keyboard layout:
 * each key sends the character it typed here (`key`), never its position (the QEMU scancode noVNC
 * would send, which the session would read with its own layout). TigerVNC finds, or adds, a key
 * for any keysym and adjusts Shift and AltGr itself, so `zyöäüß@|{€` arrive as typed whether the
 * session's layout is us, de or anything else.
 */
export function createKeyTranslator(): KeyTranslator {
  /** What each held key sent, by physical key, so its release matches its press. */
  const held = new Map<string, number>();
  /** Keys whose release must not reach the session (Windows' fake Ctrl under AltGr). */
  const muted = new Set<string>();
  let altGr = false;
  /** The last key was a dead key: the next character comes composed from the browser. */
  let afterDead = false;
  /** A dead key's accent that arrived as text on its own, to compose with what comes next. */
  let accent: string | null = null;
  /** A key left to the browser after a dead key: whether its text came. */
  let awaiting: { code: string; key: string; gotText: boolean } | null = null;

  function press(code: string, keysym: number): KeyAction[] {
    // A key without a position (virtual keyboards) cannot be tracked until its release.
    if (!code || code === 'Unidentified') return tap(keysym);
    const before = held.get(code);
    held.set(code, before ?? keysym);
    return [{ keysym: before ?? keysym, down: true }];
  }

  function flushAccent(): KeyAction[] {
    const pending = accent;
    accent = null;
    return pending ? keysymsForText(pending).flatMap(tap) : [];
  }

  function typed(text: string): KeyAction[] {
    let out = text;
    if (accent) {
      const [first = '', ...rest] = [...text];
      out = composeDeadKey(accent, first) + rest.join('');
      accent = null;
    }
    return keysymsForText(out).flatMap(tap);
  }

  function keyDown(e: KeyInfo): KeyDecision {
    // An input method owns the key; its text comes through `text`.
    if (e.isComposing || e.keyCode === 229 || e.key === 'Process') return LEAVE;
    if (e.key === 'Dead') {
      afterDead = true;
      return LEAVE;
    }
    if (e.key === 'AltGraph') {
      // AltGr only chooses the character, and the character is what is sent; the session's layout
      // may not even have AltGr. Windows presses a fake left Ctrl with it: take that back.
      altGr = true;
      const actions: KeyAction[] = [];
      const ctrl = held.get('ControlLeft');
      if (ctrl !== undefined) {
        held.delete('ControlLeft');
        muted.add('ControlLeft');
        actions.push({ keysym: ctrl, down: false });
      }
      return { actions, preventDefault: true };
    }
    const heldKeysym = held.get(e.code);
    if (heldKeysym !== undefined)
      return { actions: [{ keysym: heldKeysym, down: true }], preventDefault: true };

    if (isCharacterKey(e.key)) {
      const shortcut = (e.ctrlKey || e.altKey || e.metaKey) && !altGr && !e.altGraph;
      if (shortcut) {
        const keysym = shortcutKeysym(e.key, e.code, e.shiftKey);
        return keysym === null ? SWALLOW : { actions: press(e.code, keysym), preventDefault: true };
      }
      if (accent) {
        const actions = typed(e.key);
        afterDead = false;
        return { actions, preventDefault: true };
      }
      if (afterDead) {
        // The browser composes (´ then e gives "é"), maybe through its own input method: take
        // the character from the text it inserts, so it is sent once.
        afterDead = false;
        awaiting = { code: e.code, key: e.key, gotText: false };
        return LEAVE;
      }
      const keysym = keysymForChar(e.key);
      return keysym === null ? SWALLOW : { actions: press(e.code, keysym), preventDefault: true };
    }

    afterDead = false;
    const keysym =
      (e.key === 'Unidentified' ? null : keysymForNamedKey(e.key, e.code)) ??
      keysymForCode(e.code, e.shiftKey);
    // A key with no keysym at all types nothing, here or there.
    if (keysym === null) return SWALLOW;
    const isModifier = keysym >= XK.ShiftL && keysym <= 0xffee;
    // A dead key's accent followed by Escape is cancelled, by anything else typed as it is.
    if (accent && !isModifier) {
      if (keysym === XK.Escape) {
        accent = null;
        return SWALLOW;
      }
      return { actions: [...flushAccent(), ...press(e.code, keysym)], preventDefault: true };
    }
    return { actions: press(e.code, keysym), preventDefault: true };
  }

  function keyUp(e: KeyInfo): KeyDecision {
    if (e.key === 'AltGraph') altGr = false;
    if (muted.delete(e.code)) return SWALLOW;
    if (awaiting && awaiting.code === e.code) {
      const { key, gotText } = awaiting;
      awaiting = null;
      // The browser inserted nothing: send what the key says it typed.
      if (!gotText) return { actions: typed(key), preventDefault: true };
    }
    const keysym = held.get(e.code);
    if (keysym === undefined) return SWALLOW;
    held.delete(e.code);
    return { actions: [{ keysym, down: false }], preventDefault: true };
  }

  function text(value: string): KeyAction[] {
    if (!value) return [];
    if (awaiting) awaiting.gotText = true;
    // Some platforms type a dead key's accent as text of its own, and the letter after it.
    if (afterDead && isDeadAccent(value)) {
      afterDead = false;
      accent = value;
      return [];
    }
    afterDead = false;
    return typed(value);
  }

  function releaseAll(): KeyAction[] {
    const actions = [...held.values()].map((keysym) => ({ keysym, down: false }));
    held.clear();
    muted.clear();
    altGr = false;
    afterDead = false;
    accent = null;
    awaiting = null;
    return actions;
  }

  return { keyDown, keyUp, text, releaseAll };
}
