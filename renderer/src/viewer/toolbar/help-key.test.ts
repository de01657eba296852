import { describe, expect, it } from 'vitest';
import { isHelpKey } from './help-key';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; altKey: boolean; metaKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
});
const button = { tagName: 'BUTTON', isContentEditable: false };

describe('the help key', () => {
  it('is ? on the page or a toolbar button', () => {
    expect(isHelpKey(key('?'), null, false)).toBe(true);
    expect(isHelpKey(key('?'), button, false)).toBe(true);
  });
  it('belongs to the session while it has the keyboard', () => {
    expect(isHelpKey(key('?'), { tagName: 'TEXTAREA', isContentEditable: false }, true)).toBe(false);
    expect(isHelpKey(key('?'), button, true)).toBe(false);
  });
  it('is typed into fields, and is not a shortcut with modifiers or another key', () => {
    expect(isHelpKey(key('?'), { tagName: 'INPUT', isContentEditable: false }, false)).toBe(false);
    expect(isHelpKey(key('?'), { tagName: 'DIV', isContentEditable: true }, false)).toBe(false);
    expect(isHelpKey(key('?', { ctrlKey: true }), button, false)).toBe(false);
    expect(isHelpKey(key('/'), button, false)).toBe(false);
  });
});
