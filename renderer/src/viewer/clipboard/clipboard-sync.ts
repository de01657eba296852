/** The local (system) clipboard, through the desktop bridge or the browser's Clipboard API. */
export interface LocalClipboard {
  /**
   * The clipboard's text; null when it cannot be read without asking the person (the browser
   * has no permission yet), so the paste box is the way in.
   */
  read(): Promise<string | null>;
  /** False when the clipboard would not take it (no permission, no focus). */
  write(text: string): Promise<boolean>;
}

/** The session's clipboard: noVNC's clipboardPasteFrom. */
export interface RemoteClipboard {
  paste(text: string): void;
}

export interface ClipboardSync {
  /** The session's clipboard changed: copy it here. */
  remoteChanged(text: string): Promise<void>;
  /** The person may have copied something here (the viewer got focus): offer it to the session. */
  localMaybeChanged(): Promise<void>;
  /** Text the person handed over (the paste box): the session's clipboard gets it. */
  send(text: string): void;
  /** The session now connected, or null when none is. */
  setRemote(remote: RemoteClipboard | null): void;
  /** Whether the last local read or write could not be done without the paste box. */
  readonly needsPasteBox: boolean;
}

/** Caps what one copy may carry, so a huge local clipboard never stalls the viewer. */
export const MAX_CLIPBOARD_CHARS = 1_000_000;

/**
 * Keeps both clipboards the same, each way at most once per change: what one side sent is
 * remembered, so it does not come back as a change from the other (no echo, no loop). A newly
 * connected session gets the local clipboard on the next check, since it has none of ours yet.
 */
export function createClipboardSync(local: LocalClipboard): ClipboardSync {
  let remote: RemoteClipboard | null = null;
  /** The text both sides are known to hold. */
  let shared: string | null = null;
  let needsPasteBox = false;

  function send(text: string): void {
    if (!remote || text.length > MAX_CLIPBOARD_CHARS) return;
    shared = text;
    remote.paste(text);
  }

  return {
    async remoteChanged(text) {
      shared = text;
      const written = await local.write(text).catch(() => false);
      needsPasteBox = needsPasteBox || !written;
    },
    async localMaybeChanged() {
      if (!remote) return;
      const text = await local.read().catch(() => null);
      if (text === null) {
        needsPasteBox = true;
        return;
      }
      if (text === shared || text === '') return;
      send(text);
    },
    send,
    setRemote(next) {
      remote = next;
      // A new connection's session has not seen our clipboard.
      shared = null;
    },
    get needsPasteBox() {
      return needsPasteBox;
    },
  };
}
