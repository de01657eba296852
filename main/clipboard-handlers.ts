import { ClipboardText } from '../protocol';
import { CodedError } from './errors';
import type { IpcHandlers } from './ipc';

/** The part of Electron's `clipboard` the viewer's copy and paste need. */
export interface SystemClipboard {
  readText(): string;
  writeText(text: string): void;
}

export type ClipboardChannel = 'clipboard:read-text' | 'clipboard:write-text';

/**
 * The viewer's clipboard calls. Main does them so that no window needs the browser's clipboard
 * permission, and the clipboard works in every window, focused or not.
 */
export function createClipboardHandlers(clipboard: SystemClipboard): Pick<IpcHandlers, ClipboardChannel> {
  return {
    'clipboard:read-text': () => {
      const text = clipboard.readText();
      if (!ClipboardText.safeParse(text).success) {
        throw new CodedError('too_large', 'The clipboard holds more text than a session takes');
      }
      return text;
    },
    'clipboard:write-text': ({ text }) => {
      clipboard.writeText(text);
    },
  };
}
