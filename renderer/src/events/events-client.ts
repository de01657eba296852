import type { z } from 'zod';
import { type DesktopBridge, type EventsAuth, ServerEvent } from '../../../protocol';
import { EVENTS_PATH, webSocketUrl } from '../api/urls';
import { backoffDelay } from './backoff';

export type EventsStatus = 'connecting' | 'live' | 'offline';

type WebSocketLike = Pick<WebSocket, 'send' | 'close' | 'readyState'> & {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
};

export interface EventsClientDeps {
  bridge: DesktopBridge;
  onEvent: (event: ServerEvent) => void;
  /** Called on every (re)connect: whatever happened while disconnected was missed, so refetch. */
  onReady: () => void;
  onStatus: (status: EventsStatus) => void;
  /** The bridge has no token any more: the sign-in is gone and only the login form can help. */
  onSignedOut: () => void;
  createSocket?: (url: string) => WebSocketLike;
  random?: () => number;
}

/** Keeps /api/v1/events connected until the returned function is called. */
export function connectEvents(deps: EventsClientDeps): () => void {
  const createSocket = deps.createSocket ?? ((url: string) => new WebSocket(url));
  let stopped = false;
  let attempt = 0;
  let socket: WebSocketLike | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let refreshFirst = false;

  function retry(): void {
    if (stopped) return;
    deps.onStatus('offline');
    timer = setTimeout(open, backoffDelay(attempt++, deps.random));
  }

  function handle(data: unknown): void {
    if (typeof data !== 'string') return;
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerEvent.safeParse(raw);
    if (!parsed.success) return;
    const event = parsed.data;
    if (event.type === 'ready') {
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
    let baseUrl: string;
    try {
      baseUrl = (await deps.bridge.getServer()).baseUrl;
      token = refreshFirst ? await deps.bridge.refreshAccessToken() : await deps.bridge.getAccessToken();
    } catch {
      retry();
      return;
    }
    refreshFirst = false;
    if (stopped) return;
    // The app tears this client down on sign-out and starts a new one after the next login.
    if (!token) {
      deps.onStatus('offline');
      deps.onSignedOut();
      return;
    }
    let ws: WebSocketLike;
    try {
      ws = createSocket(webSocketUrl(baseUrl, EVENTS_PATH));
    } catch {
      // A malformed base URL or a CSP refusal throws here rather than closing the socket.
      retry();
      return;
    }
    socket = ws;
    const auth: z.input<typeof EventsAuth> = { type: 'auth', token };
    ws.onopen = () => ws.send(JSON.stringify(auth));
    ws.onmessage = (event) => handle(event.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      retry();
    };
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
