import type RFB from '@novnc/novnc';
import { attachKeyboard } from '../keyboard/keyboard-input';
import { keysymsForText } from '../keyboard/keysyms';
import { createClipboardSync, type LocalClipboard } from './clipboard-sync';

/** What of noVNC's RFB the viewer's keyboard and clipboard use. */
export type InputRfb = Pick<
  RFB,
  'sendKey' | 'clipboardPasteFrom' | 'addEventListener' | 'removeEventListener'
>;

/**
 * The viewer's keyboard and clipboard, across the RFB connections a viewer makes in its life
 * (each reconnect is a new one): the paste box and the toolbar call this, not a connection.
 */
export interface ViewerInput {
  /** Takes over keys and clipboard for a new connection; undone when it disconnects. */
  attach(rfb: InputRfb, target: HTMLElement): void;
  /** The paste box's text onto the session's clipboard, for the app's own paste. */
  sendClipboard(text: string): boolean;
  /** The paste box's text typed into the session, for apps that cannot paste. */
  typeText(text: string): boolean;
  /**
   * A combination the local system would keep for itself (Ctrl+Alt+F1, Super): pressed in order,
   * released in reverse. Keysyms as in keyboard/keysyms.ts (XK, keysymForNamedKey).
   */
  pressKeys(keysyms: readonly number[]): boolean;
  /** Whether the local clipboard could not be read or written without asking: offer the paste box. */
  readonly needsPasteBox: boolean;
}

/**
 * Whether the server has said what it can do with the Extended Clipboard. noVNC says so nowhere
 * public, and until then clipboardPasteFrom falls back to the old Latin-1 message, which turns
 * "✓" into "?". It keeps the server's formats in this field (1.7); without it, assume known.
 */
export function clipboardCapsKnown(rfb: object): boolean {
  const formats = (rfb as { _clipboardServerCapabilitiesFormats?: Record<string, boolean> })
    ._clipboardServerCapabilitiesFormats;
  return formats === undefined || Object.keys(formats).length > 0;
}

/** How long a paste waits for the server's clipboard capabilities before going the old way. */
export const CLIPBOARD_CAPS_WAIT_MS = 3_000;
const CAPS_POLL_MS = 50;

export interface ViewerInputDeps {
  local: LocalClipboard;
  window: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  document: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'>;
  /** The DOM keyboard (keyboard/keyboard-input.ts); tests hand in a stand-in. */
  attachKeyboard?: typeof attachKeyboard;
}

export function createViewerInput(deps: ViewerInputDeps): ViewerInput {
  const sync = createClipboardSync(deps.local);
  let current: InputRfb | null = null;

  /** Focus is when the person may bring a new local clipboard; one read at a time is enough. */
  let checking = false;
  const check = () => {
    if (checking) return;
    checking = true;
    void sync.localMaybeChanged().finally(() => {
      checking = false;
    });
  };

  const keyboard = deps.attachKeyboard ?? attachKeyboard;

  function attach(rfb: InputRfb, target: HTMLElement): void {
    const detachKeyboard = keyboard(target, rfb, {
      onPaste: (text) => {
        if (current === rfb) sync.send(text);
      },
    });
    let pending: string | null = null;
    let waited = 0;
    let poll: ReturnType<typeof setTimeout> | undefined;
    /** The connection's first pastes wait (briefly) for the server to offer UTF-8. */
    const flushPending = () => {
      poll = undefined;
      if (pending === null || current !== rfb) return;
      if (clipboardCapsKnown(rfb) || waited >= CLIPBOARD_CAPS_WAIT_MS) {
        const text = pending;
        pending = null;
        rfb.clipboardPasteFrom(text);
        return;
      }
      waited += CAPS_POLL_MS;
      poll = setTimeout(flushPending, CAPS_POLL_MS);
    };
    const paste = (text: string) => {
      pending = text;
      if (poll === undefined) flushPending();
    };
    const onConnect = () => {
      current = rfb;
      sync.setRemote({ paste });
      check();
    };
    const onClipboard = (event: CustomEvent<{ text: string }>) => {
      if (current === rfb) void sync.remoteChanged(event.detail.text);
    };
    const onVisible = () => {
      if (deps.document.visibilityState === 'visible') check();
    };
    const onDisconnect = () => {
      clearTimeout(poll);
      pending = null;
      detachKeyboard();
      target.removeEventListener('focusin', check);
      target.removeEventListener('pointerenter', check);
      deps.window.removeEventListener('focus', check);
      deps.document.removeEventListener('visibilitychange', onVisible);
      rfb.removeEventListener('connect', onConnect);
      rfb.removeEventListener('clipboard', onClipboard);
      rfb.removeEventListener('disconnect', onDisconnect);
      if (current === rfb) {
        current = null;
        sync.setRemote(null);
      }
    };
    rfb.addEventListener('connect', onConnect);
    rfb.addEventListener('clipboard', onClipboard);
    rfb.addEventListener('disconnect', onDisconnect);
    target.addEventListener('focusin', check);
    target.addEventListener('pointerenter', check);
    deps.window.addEventListener('focus', check);
    deps.document.addEventListener('visibilitychange', onVisible);
  }

  return {
    attach,
    sendClipboard(text) {
      if (!current) return false;
      sync.send(text);
      return true;
    },
    typeText(text) {
      const rfb = current;
      if (!rfb) return false;
      for (const keysym of keysymsForText(text)) {
        rfb.sendKey(keysym, null, true);
        rfb.sendKey(keysym, null, false);
      }
      return true;
    },
    pressKeys(keysyms) {
      const rfb = current;
      if (!rfb) return false;
      for (const keysym of keysyms) rfb.sendKey(keysym, null, true);
      for (const keysym of [...keysyms].reverse()) rfb.sendKey(keysym, null, false);
      return true;
    },
    get needsPasteBox() {
      return sync.needsPasteBox;
    },
  };
}
