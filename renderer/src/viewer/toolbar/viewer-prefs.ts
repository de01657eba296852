import type { PreferenceStorage } from '../scaling/scaling-store';

/**
 * The session keyboard layout the person picked: `auto` leaves it to the keyboard handling
 * (keyboard/), which reads what the browser reports; the others are XKB layout names.
 */
export const KEYBOARD_LAYOUTS = ['auto', 'us', 'gb', 'de', 'fr', 'es', 'it', 'ch'] as const;
export type KeyboardLayout = (typeof KEYBOARD_LAYOUTS)[number];

export const KEYBOARD_LAYOUT_LABELS: Record<KeyboardLayout, string> = {
  auto: 'Automatic',
  us: 'English (US)',
  gb: 'English (UK)',
  de: 'German',
  fr: 'French',
  es: 'Spanish',
  it: 'Italian',
  ch: 'Swiss German',
};

/** Picture settings and keyboard layout: the person's, for every session. */
export interface ViewerPrefs {
  /** noVNC qualityLevel: JPEG quality, 0 (smallest) to 9 (best). */
  quality: number;
  /** noVNC compressionLevel: 0 (least CPU) to 9 (fewest bytes). */
  compression: number;
  keyboardLayout: KeyboardLayout;
}

/** noVNC's own defaults. */
export const DEFAULT_PREFS: ViewerPrefs = { quality: 6, compression: 2, keyboardLayout: 'auto' };

export const PREFS_KEY = 'streamspace.viewer.prefs';

const level = (value: unknown, fallback: number) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 9 ? value : fallback;

const isLayout = (value: unknown): value is KeyboardLayout =>
  typeof value === 'string' && (KEYBOARD_LAYOUTS as readonly string[]).includes(value);

/** Whatever was stored, as valid prefs: each field it cannot read falls back alone. */
export function parsePrefs(raw: string | null): ViewerPrefs {
  let value: unknown;
  try {
    value = raw === null ? null : JSON.parse(raw);
  } catch {
    value = null;
  }
  const o = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return {
    quality: level(o.quality, DEFAULT_PREFS.quality),
    compression: level(o.compression, DEFAULT_PREFS.compression),
    keyboardLayout: isLayout(o.keyboardLayout) ? o.keyboardLayout : DEFAULT_PREFS.keyboardLayout,
  };
}

export function loadPrefs(storage: PreferenceStorage | null): ViewerPrefs {
  try {
    return parsePrefs(storage?.getItem(PREFS_KEY) ?? null);
  } catch {
    return { ...DEFAULT_PREFS };
  }
}

export function savePrefs(storage: PreferenceStorage | null, prefs: ViewerPrefs): void {
  try {
    storage?.setItem(PREFS_KEY, JSON.stringify(prefs));
  } catch {
    // Kept for this window only.
  }
}
