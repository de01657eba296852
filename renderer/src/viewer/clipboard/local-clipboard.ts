import type { ClipboardBridge } from '../../../../protocol';
import type { LocalClipboard } from './clipboard-sync';

/** The desktop app's: main reads and writes the system clipboard, so nothing asks for permission. */
export function bridgeClipboard(bridge: ClipboardBridge): LocalClipboard {
  return {
    read: () => bridge.readText(),
    async write(text) {
      await bridge.writeText(text);
      return true;
    },
  };
}

export interface BrowserClipboardDeps {
  clipboard: Pick<Clipboard, 'readText' | 'writeText'> | undefined;
  /** navigator.permissions.query for the clipboard; absent where the browser cannot say. */
  permission?: (name: 'clipboard-read') => Promise<PermissionState>;
  hasFocus: () => boolean;
}

/**
 * The browser's async Clipboard API, used only where it is granted: reading with the permission
 * still at "prompt" would ask on every focus, so then the paste box is the way in instead.
 */
export function browserClipboard(deps: BrowserClipboardDeps): LocalClipboard {
  return {
    async read() {
      const { clipboard, permission } = deps;
      if (!clipboard || !deps.hasFocus()) return null;
      const state = permission ? await permission('clipboard-read').catch(() => 'prompt' as const) : 'prompt';
      if (state !== 'granted') return null;
      return clipboard.readText();
    },
    async write(text) {
      if (!deps.clipboard) return false;
      try {
        await deps.clipboard.writeText(text);
        return true;
      } catch {
        // Not focused, or not allowed: the text stays in the session.
        return false;
      }
    },
  };
}

/** The page's clipboard: the bridge's in the desktop app, else the browser's. */
export function localClipboard(bridge: { clipboard?: ClipboardBridge | undefined }): LocalClipboard {
  if (bridge.clipboard) return bridgeClipboard(bridge.clipboard);
  return browserClipboard({
    clipboard: typeof navigator === 'undefined' ? undefined : navigator.clipboard,
    permission: async (name) => {
      // 'clipboard-read' is not in every browser's PermissionName, hence the cast to its type.
      const status = await navigator.permissions.query({ name: name as PermissionName });
      return status.state;
    },
    hasFocus: () => document.hasFocus(),
  });
}
