/** Debian's matchbox: tiny, and it keeps every top-level window maximised, also when the display resizes. */
export const DEFAULT_WINDOW_MANAGER = 'matchbox-window-manager';

/** A single app gets one; a template that brings its own desktop opts out. */
export function wantsWindowManager(local: { windowManager?: boolean | undefined }): boolean {
  return local.windowManager !== false;
}

/**
 * No title bar: the viewer's window is the frame, so one inside it only takes space. The cursor
 * stays, as the viewer draws the session's own.
 */
export function windowManagerArgv(path: string = DEFAULT_WINDOW_MANAGER): string[] {
  return [path, '-use_titlebar', 'no', '-use_cursor', 'yes'];
}
