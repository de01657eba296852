// noVNC ships no types; this covers exactly what the viewer uses, as documented in docs/API.md.
declare module '@novnc/novnc' {
  export interface RfbCredentials {
    username?: string;
    password?: string;
    target?: string;
  }

  export interface RfbOptions {
    shared?: boolean;
    credentials?: RfbCredentials;
    repeaterID?: string;
    wsProtocols?: string[];
  }

  export interface RfbEventMap {
    connect: CustomEvent<Record<string, never>>;
    disconnect: CustomEvent<{ clean: boolean }>;
    credentialsrequired: CustomEvent<{ types: string[] }>;
    securityfailure: CustomEvent<{ status: number; reason?: string }>;
    desktopname: CustomEvent<{ name: string }>;
    /** The session's clipboard changed (UTF-8 through the Extended Clipboard pseudo-encoding). */
    clipboard: CustomEvent<{ text: string }>;
  }

  /** Not a DOM EventTarget: noVNC's own mixin, with listeners called with the RFB as `this`. */
  export default class RFB {
    constructor(target: HTMLElement, urlOrChannel: string | WebSocket, options?: RfbOptions);
    scaleViewport: boolean;
    resizeSession: boolean;
    viewOnly: boolean;
    focusOnClick: boolean;
    clipViewport: boolean;
    /** JPEG quality, 0 to 9 (6 by default). */
    qualityLevel: number;
    /** Compression level, 0 to 9 (2 by default). */
    compressionLevel: number;
    background: string;
    focus(options?: FocusOptions): void;
    blur(): void;
    disconnect(): void;
    sendCredentials(credentials: RfbCredentials): void;
    sendCtrlAltDel(): void;
    /** Without a `code` (or one with no scancode) this sends the keysym alone. */
    sendKey(keysym: number, code: string | null, down?: boolean): void;
    /** Sets the session's clipboard. */
    clipboardPasteFrom(text: string): void;
    addEventListener<K extends keyof RfbEventMap>(type: K, listener: (event: RfbEventMap[K]) => void): void;
    removeEventListener<K extends keyof RfbEventMap>(
      type: K,
      listener: (event: RfbEventMap[K]) => void,
    ): void;
  }
}
