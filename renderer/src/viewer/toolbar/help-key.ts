export interface KeyTarget {
  tagName: string;
  isContentEditable: boolean;
}

/**
 * Whether a key press opens the help: `?` alone, typed neither into the session (which gets
 * every key while it has the keyboard) nor into a field of the viewer.
 */
export function isHelpKey(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey'>,
  target: KeyTarget | null,
  inSession: boolean,
): boolean {
  if (event.key !== '?' || event.ctrlKey || event.altKey || event.metaKey || inSession) return false;
  if (!target) return true;
  return !(target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}
