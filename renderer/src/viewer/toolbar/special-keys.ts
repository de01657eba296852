import { XK } from '../keyboard/keysyms';

/** A combination the local system would keep for itself, sent from the toolbar instead. */
export interface SpecialKey {
  id: string;
  label: string;
  /** Pressed in order, released in reverse. */
  keysyms: readonly number[];
}

const F = (n: number) => 0xffbe + n - 1;
const Print = 0xff61;
const F4 = F(4);

export const SPECIAL_KEYS: readonly SpecialKey[] = [
  { id: 'super', label: 'Super', keysyms: [XK.SuperL] },
  { id: 'alt-tab', label: 'Alt+Tab', keysyms: [XK.AltL, XK.Tab] },
  { id: 'alt-f4', label: 'Alt+F4', keysyms: [XK.AltL, F4] },
  { id: 'print', label: 'Print Screen', keysyms: [Print] },
  { id: 'ctrl-esc', label: 'Ctrl+Esc', keysyms: [XK.ControlL, XK.Escape] },
  ...Array.from({ length: 12 }, (_, i) => ({
    id: `ctrl-alt-f${i + 1}`,
    label: `Ctrl+Alt+F${i + 1}`,
    keysyms: [XK.ControlL, XK.AltL, F(i + 1)],
  })),
];
