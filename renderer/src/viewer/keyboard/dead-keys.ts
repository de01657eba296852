/**
 * Dead-key composition, for when a browser hands over the accent and the letter separately
 * instead of the composed character. Composing goes through Unicode: the accent's combining mark
 * after the letter, normalised, is one character exactly when the pair has a precomposed form.
 */

/** Spacing accents, as dead keys leave them, to their combining marks. */
const COMBINING: Readonly<Record<string, string>> = {
  '´': '\u0301',
  "'": '\u0301',
  '`': '\u0300',
  '^': '\u0302',
  ˆ: '\u0302',
  '~': '\u0303',
  '˜': '\u0303',
  '¨': '\u0308',
  '"': '\u0308',
  '°': '\u030a',
  '˚': '\u030a',
  '¸': '\u0327',
  ˇ: '\u030c',
  '˘': '\u0306',
  '¯': '\u0304',
  '˙': '\u0307',
  '˝': '\u030b',
  '˛': '\u0328',
};

/** Whether `char` is an accent a dead key leaves behind. */
export function isDeadAccent(char: string): boolean {
  return char in COMBINING;
}

/**
 * What typing `base` after the dead key `accent` gives: the composed character (´ e → é), the
 * accent alone after a space, else both, as every desktop does for a pair with no composition.
 */
export function composeDeadKey(accent: string, base: string): string {
  if (base === ' ' || base === '\u00a0') return accent;
  const mark = COMBINING[accent];
  if (mark && [...base].length === 1) {
    const composed = `${base}${mark}`.normalize('NFC');
    if ([...composed].length === 1) return composed;
  }
  return `${accent}${base}`;
}
