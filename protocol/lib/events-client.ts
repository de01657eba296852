import { ServerEvent, SIGNED_OUT_CLOSE_CODE } from '../events';
import { type BackoffOptions, backoffDelay } from './backoff';

export type EventsStatus = 'connecting' | 'live' | 'offline';

/** What the client needs of a socket; the browser's WebSocket and the `ws` package both fit behind it. */
export interface EventsSocket {
  send(data: string): void;
  close(code?: number): void;
}

export interface EventsSocketHandlers {
  onOpen(): void;
  onMessage(data: unknown): void;
  /** `code` is the WebSocket close code, when the socket has one. */
  onClose(code?: number): void;
}

export interface EventsClientDeps {
  /** The /events URL of the server; asked again on every connect, since the server can change. */
  url: () => string | Promise<string>;
  /** A valid access token, or null when signed out. */
  token: () => Promise<string | null>;
  /** A new token even if the current one looks valid: the server refused it. */
  refreshToken: () => Promise<string | null>;
  /** Opens a socket and wires its events to `handlers`. */
  createSocket: (url: string, handlers: EventsSocketHandlers) => EventsSocket;
  onEvent: (event: ServerEvent) => void;
  /** Called on every (re)connect: whatever happened while disconnected was missed, so refetch. */
  onReady: () => void;
  onStatus: (status: EventsStatus) => void;
  /** There is no token any more: the sign-in is gone and only signing in again can help. */
  onSignedOut: () => void;
  backoff?: BackoffOptions;
  random?: () => number;
}

/**
 * Capped low on purpose: a restarted server must see its dashboards back within about 2 s of being
 * ready, and the jitter in backoffDelay still spreads the clients of one restart over that window.
 */
export const EVENTS_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 2_000 };

/**
 * Keeps the /events socket connected until the returned function is called: authenticates with
 * the first frame (no token in a URL), reconnects with backoff, and calls onReady on every
 * (re)connect so the caller resynchronises with one list call.
 */
export function connectEvents(deps: EventsClientDeps): () => void {
  const backoff = deps.backoff ?? EVENTS_BACKOFF;
  let stopped = false;
  let attempt = 0;
  let socket: EventsSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let refreshFirst = false;

  function retry(): void {
    if (stopped) return;
    deps.onStatus('offline');
    timer = setTimeout(open, backoffDelay(attempt++, backoff, deps.random));
  }

  function handle(data: unknown, conn: { live: boolean }): void {
    const text = typeof data === 'string' ? data : isBytes(data) ? new TextDecoder().decode(data) : null;
    if (text === null) return;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = ServerEvent.safeParse(raw);
    if (!parsed.success) return;
    const event = parsed.data;
    if (event.type === 'ready') {
      conn.live = true;
      attempt = 0;
      deps.onStatus('live');
      deps.onReady();
      return;
    }
    // The server refused the token; a still-valid-looking one would be refused again.
    if (event.type === 'error' && event.code === 'unauthorized') refreshFirst = true;
    deps.onEvent(event);
  }

  async function open(): Promise<void> {
    if (stopped) return;
    deps.onStatus('connecting');
    let token: string | null;
    let url: string;
    try {
      url = await deps.url();
      token = refreshFirst ? await deps.refreshToken() : await deps.token();
    } catch {
      retry();
      return;
    }
    // A token refreshed for this very attempt: if the server refuses it too, refreshing more will not help.
    const fresh = refreshFirst;
    refreshFirst = false;
    if (stopped) return;
    // The caller tears this client down on sign-out and starts a new one after the next sign-in.
    if (!token) {
      deps.onStatus('offline');
      deps.onSignedOut();
      return;
    }
    const auth = JSON.stringify({ type: 'auth', token });
    const conn = { live: false };
    let ws: EventsSocket | null = null;
    try {
      ws = deps.createSocket(url, {
        onOpen: () => ws?.send(auth),
        onMessage: (data) => handle(data, conn),
        onClose: (code) => {
          if (socket !== ws) return;
          socket = null;
          // Signed out, expired or rights changed: the token in hand is dead, whatever it looks like.
          if (code === SIGNED_OUT_CLOSE_CODE) refreshFirst = true;
          if (refreshFirst && fresh && !conn.live) {
            deps.onStatus('offline');
            deps.onSignedOut();
            return;
          }
          retry();
        },
      });
    } catch {
      // A malformed URL or a CSP refusal throws here rather than closing the socket.
      retry();
      return;
    }
    socket = ws;
  }

  void open();

  return () => {
    stopped = true;
    clearTimeout(timer);
    const ws = socket;
    socket = null;
    ws?.close(1000);
  };
}

function isBytes(data: unknown): data is Uint8Array {
  return data instanceof Uint8Array;
}
