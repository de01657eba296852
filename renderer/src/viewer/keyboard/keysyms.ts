/**
 * X keysyms for what a browser reports. Characters go by their Unicode code point, which X
 * accepts as is (Latin-1 keysyms equal their code point, the rest are 0x01000000 + code point), so
 * the session needs no keymap entry of its own: TigerVNC finds or adds a key for any keysym.
 */

export const XK = {
  BackSpace: 0xff08,
  Tab: 0xff09,
  Return: 0xff0d,
  Escape: 0xff1b,
  Delete: 0xffff,
  ShiftL: 0xffe1,
  ShiftR: 0xffe2,
  ControlL: 0xffe3,
  ControlR: 0xffe4,
  CapsLock: 0xffe5,
  AltL: 0xffe9,
  AltR: 0xffea,
  SuperL: 0xffeb,
  SuperR: 0xffec,
  NumLock: 0xff7f,
  ScrollLock: 0xff14,
  Level3Shift: 0xfe03,
} as const;

/** The keysym that types `char` (one code point), or null for control characters X has no keysym for. */
export function keysymForChar(char: string): number | null {
  const cp = char.codePointAt(0);
  if (cp === undefined || [...char].length !== 1) return null;
  if (cp === 0x0a || cp === 0x0d) return XK.Return;
  if (cp === 0x09) return XK.Tab;
  if (cp === 0x08) return XK.BackSpace;
  if (cp === 0x1b) return XK.Escape;
  if (cp === 0x7f) return XK.Delete;
  if (cp < 0x20 || (cp >= 0x80 && cp < 0xa0)) return null;
  // Lone surrogates cannot be typed.
  if (cp >= 0xd800 && cp <= 0xdfff) return null;
  if (cp <= 0xff) return cp;
  return 0x01000000 + cp;
}

/** The keysyms that type `text`, one per code point; what has none is skipped. CRLF is one Return. */
export function keysymsForText(text: string): number[] {
  const out: number[] = [];
  for (const char of text.replace(/\r\n/g, '\n')) {
    const keysym = keysymForChar(char);
    if (keysym !== null) out.push(keysym);
  }
  return out;
}

type Sided = readonly [left: number, right: number];

/** Keys that are neither characters nor dead: W3C `key` values (uievents-key) to keysyms. */
const NAMED: Readonly<Record<string, number | Sided>> = {
  Shift: [XK.ShiftL, XK.ShiftR],
  Control: [XK.ControlL, XK.ControlR],
  Alt: [XK.AltL, XK.AltR],
  Meta: [XK.SuperL, XK.SuperR],
  OS: [XK.SuperL, XK.SuperR],
  Super: [XK.SuperL, XK.SuperR],
  Hyper: 0xffed,
  CapsLock: XK.CapsLock,
  NumLock: XK.NumLock,
  ScrollLock: XK.ScrollLock,
  Enter: XK.Return,
  Tab: XK.Tab,
  Backspace: XK.BackSpace,
  Escape: XK.Escape,
  Delete: XK.Delete,
  Insert: 0xff63,
  Home: 0xff50,
  ArrowLeft: 0xff51,
  ArrowUp: 0xff52,
  ArrowRight: 0xff53,
  ArrowDown: 0xff54,
  PageUp: 0xff55,
  PageDown: 0xff56,
  End: 0xff57,
  Clear: 0xff0b,
  Pause: 0xff13,
  PrintScreen: 0xff61,
  ContextMenu: 0xff67,
  Help: 0xff6a,
  Cancel: 0xff69,
  Select: 0xff60,
  Execute: 0xff62,
  Find: 0xff68,
  Undo: 0xff65,
  Redo: 0xff66,
  Again: 0xff66,
  Convert: 0xff23,
  NonConvert: 0xff22,
  KanaMode: 0xff2d,
  HiraganaKatakana: 0xff27,
  Hiragana: 0xff25,
  Katakana: 0xff26,
  Zenkaku: 0xff28,
  Hankaku: 0xff29,
  ZenkakuHankaku: 0xff2a,
  Romaji: 0xff24,
  Eisu: 0xff2f,
  KanjiMode: 0xff21,
  HangulMode: 0xff31,
  HanjaMode: 0xff34,
  Copy: 0x1008ff57,
  Cut: 0x1008ff58,
  Paste: 0x1008ff6d,
  AudioVolumeUp: 0x1008ff13,
  AudioVolumeDown: 0x1008ff11,
  AudioVolumeMute: 0x1008ff12,
  MediaPlayPause: 0x1008ff14,
  MediaStop: 0x1008ff15,
  MediaTrackPrevious: 0x1008ff16,
  MediaTrackNext: 0x1008ff17,
  BrowserBack: 0x1008ff26,
  BrowserForward: 0x1008ff27,
  BrowserRefresh: 0x1008ff29,
  BrowserHome: 0x1008ff18,
  BrowserSearch: 0x1008ff1b,
  LaunchMail: 0x1008ff19,
  Power: 0x1008ff2a,
  Sleep: 0x1008ff2f,
  WakeUp: 0x1008ff2b,
};

/** Numpad keys by `code`: the keypad keysyms, so apps that tell them apart still can. */
const NUMPAD: Readonly<Record<string, number>> = {
  NumpadEnter: 0xff8d,
  NumpadMultiply: 0xffaa,
  NumpadAdd: 0xffab,
  NumpadSubtract: 0xffad,
  NumpadDivide: 0xffaf,
  NumpadDecimal: 0xffae,
  NumpadComma: 0xffac,
  NumpadEqual: 0xffbd,
};

/** Digits on the keypad: KP_0..KP_9 with NumLock (a digit key), the navigation keysyms without. */
const KEYPAD_DIGIT = 0xffb0;
const KEYPAD_NAV: Readonly<Record<string, number>> = {
  Home: 0xff95,
  ArrowLeft: 0xff96,
  ArrowUp: 0xff97,
  ArrowRight: 0xff98,
  ArrowDown: 0xff99,
  PageUp: 0xff9a,
  PageDown: 0xff9b,
  End: 0xff9c,
  Clear: 0xff9d,
  Insert: 0xff9e,
  Delete: 0xff9f,
};

const isRight = (code: string) => code.endsWith('Right');

/** The keysym of a named (non-character) key, or null if this is not one we know. */
export function keysymForNamedKey(key: string, code: string): number | null {
  if (code.startsWith('Numpad')) {
    const pad = NUMPAD[code];
    if (pad !== undefined && (key.length === 1 || key === 'Enter')) return pad;
    if (/^Numpad\d$/.test(code) && /^\d$/.test(key)) return KEYPAD_DIGIT + Number(key);
    const nav = KEYPAD_NAV[key];
    if (nav !== undefined) return nav;
  }
  // F1..F35 are consecutive.
  const fn = /^F(\d{1,2})$/.exec(key);
  if (fn) {
    const n = Number(fn[1]);
    if (n >= 1 && n <= 35) return 0xffbe + n - 1;
  }
  const entry = NAMED[key];
  if (entry === undefined) return null;
  if (typeof entry === 'number') return entry;
  return isRight(code) ? entry[1] : entry[0];
}

/** What each physical key types on a US keyboard, for keys whose `key` says nothing usable. */
const US_BY_CODE: Readonly<Record<string, readonly [plain: string, shifted: string]>> = {
  Backquote: ['`', '~'],
  Minus: ['-', '_'],
  Equal: ['=', '+'],
  BracketLeft: ['[', '{'],
  BracketRight: [']', '}'],
  Backslash: ['\\', '|'],
  Semicolon: [';', ':'],
  Quote: ["'", '"'],
  Comma: [',', '<'],
  Period: ['.', '>'],
  Slash: ['/', '?'],
  IntlBackslash: ['<', '>'],
  IntlRo: ['\\', '_'],
  IntlYen: ['¥', '|'],
  Space: [' ', ' '],
  Digit0: ['0', ')'],
  Digit1: ['1', '!'],
  Digit2: ['2', '@'],
  Digit3: ['3', '#'],
  Digit4: ['4', '$'],
  Digit5: ['5', '%'],
  Digit6: ['6', '^'],
  Digit7: ['7', '&'],
  Digit8: ['8', '*'],
  Digit9: ['9', '('],
};

/** The US character at a physical key (`KeyZ` → z), or null for keys that type none. */
export function usCharForCode(code: string, shift: boolean): string | null {
  const letter = /^Key([A-Z])$/.exec(code);
  if (letter?.[1]) return shift ? letter[1] : letter[1].toLowerCase();
  const pair = US_BY_CODE[code];
  if (!pair) return null;
  return shift ? pair[1] : pair[0];
}

/** Names of physical keys that type nothing but have a keysym, for keys whose `key` is unknown. */
const NAMED_BY_CODE: Readonly<Record<string, string>> = {
  ShiftLeft: 'Shift',
  ShiftRight: 'Shift',
  ControlLeft: 'Control',
  ControlRight: 'Control',
  AltLeft: 'Alt',
  AltRight: 'Alt',
  MetaLeft: 'Meta',
  MetaRight: 'Meta',
  OSLeft: 'Meta',
  OSRight: 'Meta',
  Lang1: 'HangulMode',
  Lang2: 'HanjaMode',
  KanaMode: 'KanaMode',
  Convert: 'Convert',
  NonConvert: 'NonConvert',
};

/** The keysym of the key at `code` on a US keyboard, for a key whose `key` has no mapping. */
export function keysymForCode(code: string, shift: boolean): number | null {
  const char = usCharForCode(code, shift);
  if (char !== null) return keysymForChar(char);
  return keysymForNamedKey(NAMED_BY_CODE[code] ?? code, code);
}

/** Whether `key` is a character (one code point), as opposed to a key name like "Enter". */
export function isCharacterKey(key: string): boolean {
  return [...key].length === 1;
}
