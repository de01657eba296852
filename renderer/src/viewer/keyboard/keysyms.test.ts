import { describe, expect, it } from 'vitest';
import {
  keysymForChar,
  keysymForCode,
  keysymForNamedKey,
  keysymsForText,
  usCharForCode,
  XK,
} from './keysyms';

describe('keysyms', () => {
  it('sends Latin-1 as its code point and the rest as Unicode keysyms', () => {
    expect(keysymForChar('a')).toBe(0x61);
    expect(keysymForChar('ö')).toBe(0xf6);
    expect(keysymForChar('ß')).toBe(0xdf);
    expect(keysymForChar('€')).toBe(0x010020ac);
    expect(keysymForChar('東')).toBe(0x01006771);
    expect(keysymForChar('😀')).toBe(0x0101f600);
  });

  it('types control characters as their keys, and refuses what has no key', () => {
    expect(keysymForChar('\n')).toBe(XK.Return);
    expect(keysymForChar('\t')).toBe(XK.Tab);
    expect(keysymForChar('\u0001')).toBeNull();
    expect(keysymForChar('\u0085')).toBeNull();
    expect(keysymForChar('ab')).toBeNull();
    expect(keysymForChar('')).toBeNull();
  });

  it('splits text into one keysym per code point, CRLF as one Return', () => {
    expect(keysymsForText('a😀\r\nb')).toEqual([0x61, 0x0101f600, XK.Return, 0x62]);
  });

  it('maps named keys, with the side for modifiers and keypad keysyms on the keypad', () => {
    expect(keysymForNamedKey('Enter', 'Enter')).toBe(XK.Return);
    expect(keysymForNamedKey('Enter', 'NumpadEnter')).toBe(0xff8d);
    expect(keysymForNamedKey('Shift', 'ShiftRight')).toBe(XK.ShiftR);
    expect(keysymForNamedKey('Control', 'ControlLeft')).toBe(XK.ControlL);
    expect(keysymForNamedKey('F1', 'F1')).toBe(0xffbe);
    expect(keysymForNamedKey('F12', 'F12')).toBe(0xffc9);
    expect(keysymForNamedKey('7', 'Numpad7')).toBe(0xffb7);
    expect(keysymForNamedKey('Home', 'Numpad7')).toBe(0xff95);
    expect(keysymForNamedKey('LaunchApplication1', 'LaunchApp1')).toBeNull();
  });

  it('knows what each physical key types on a US keyboard', () => {
    expect(usCharForCode('KeyY', false)).toBe('y');
    expect(usCharForCode('KeyZ', true)).toBe('Z');
    expect(usCharForCode('Digit2', true)).toBe('@');
    expect(usCharForCode('Quote', false)).toBe("'");
    expect(usCharForCode('F5', false)).toBeNull();
    expect(keysymForCode('KeyQ', false)).toBe(0x71);
    expect(keysymForCode('AltRight', false)).toBe(XK.AltR);
    expect(keysymForCode('Escape', false)).toBe(XK.Escape);
    expect(keysymForCode('LaunchApp1', false)).toBeNull();
  });
});
