import type { RfbEventMap, RfbOptions } from '@novnc/novnc';
import { type ApiClient, apiWebSocketUrl, type SessionDto, type SessionState } from '../../../protocol';
import { describeError } from '../api/errors';
import { disconnectMessage, readiness, type ViewerStatus, waitingMessage } from './readiness';

export interface ViewerView {
  status: ViewerStatus;
  message: string;
}

/** The part of noVNC's RFB the viewer uses, so tests can hand in a fake. */
export interface RfbLike {
  scaleViewport: boolean;
  resizeSession: boolean;
  focusOnClick: boolean;
  focus(): void;
  disconnect(): void;
  addEventListener<K extends keyof RfbEventMap>(type: K, listener: (event: RfbEventMap[K]) => void): void;
}

export type CreateRfb = (
  target: HTMLElement,
  urlOrChannel: string | WebSocket,
  options: RfbOptions,
) => RfbLike;

/** Close codes the server uses for "the session's stream failed", whose reason says why. */
const STREAM_FAILED_CODES = new Set([4502, 4503]);

export interface ViewerConnectionDeps {
  name: string;
  api: Pick<ApiClient, 'viewerTicket' | 'getSession'>;
  baseUrl: () => Promise<string>;
  /** noVNC, loaded on first use. */
  loadRfb: () => Promise<CreateRfb>;
  /** The element noVNC draws into; null once the screen is gone. */
  target: () => HTMLElement | null;
  /** What the app knows of the session now (the live sessions store), if anything. */
  session: () => SessionDto | undefined;
  /** A copy of the session fetched because the app knew none, to share with the rest of the app. */
  onSession?: (session: SessionDto) => void;
  onView: (view: ViewerView) => void;
  /**
   * Opens the viewer's WebSocket itself, so that the server's close reason (a port-forward error,
   * say) can be shown; noVNC's disconnect event does not carry it. Without it noVNC opens the URL.
   */
  openSocket?: (url: string) => WebSocket;
}

export interface ViewerConnection {
  /** (Re)connects with a fresh single-use ticket; any earlier attempt is abandoned. */
  connect(): void;
  /** The session's known state may have changed: update the wait, give up on it, or come back. */
  sessionChanged(): void;
  dispose(): void;
  readonly status: ViewerStatus;
}

interface Attempt {
  aborted: boolean;
  rfb: RfbLike | null;
  /** The RFB handshake finished at least once in this attempt. */
  connected: boolean;
}

/**
 * Connects noVNC to a session with one ticket, at once: the server holds the socket until the
 * session runs (waking a hibernated one itself), so the viewer only shows why it waits, from the
 * state it already knows. The VNC password goes straight to noVNC, never into a URL or a log.
 */
export function createViewerConnection(deps: ViewerConnectionDeps): ViewerConnection {
  const { name } = deps;
  let status: ViewerStatus = 'connecting';
  let attempt: Attempt | null = null;
  let fetched: SessionDto | undefined;
  let disposed = false;
  const current = () => deps.session() ?? fetched;
  let previousState: SessionState | undefined = current()?.state;

  function show(owner: Attempt, next: ViewerStatus, message: string): void {
    if (owner.aborted || disposed) return;
    status = next;
    deps.onView({ status: next, message });
  }

  function abandon(): void {
    if (!attempt) return;
    attempt.aborted = true;
    const rfb = attempt.rfb;
    attempt.rfb = null;
    rfb?.disconnect();
    attempt = null;
  }

  /** The error to show when the session can never be viewed, or null while it still might be. */
  function verdict(): string | null {
    const session = current();
    switch (readiness(session?.state)) {
      case 'ended':
        return 'The session has ended.';
      case 'failed': {
        const reason = session?.status.message;
        return reason ? `The session failed: ${reason}` : 'The session failed.';
      }
      default:
        return null;
    }
  }

  async function run(own: Attempt): Promise<void> {
    if (!current()) {
      // Nothing known yet (list not loaded): ask once, only to say why the wait takes long.
      deps.api.getSession({ params: { name } }).then(
        (session) => {
          fetched = session;
          deps.onSession?.(session);
          if (attempt === own) sessionChanged();
        },
        () => undefined,
      );
    }
    show(own, 'connecting', 'Requesting access…');
    const ticket = await deps.api.viewerTicket({ params: { name } });
    const [createRfb, baseUrl] = await Promise.all([deps.loadRfb(), deps.baseUrl()]);
    const target = deps.target();
    if (own.aborted || disposed || !target) return;

    const url = apiWebSocketUrl(baseUrl, 'vnc', { params: { name }, query: { ticket: ticket.ticket } });
    let closeReason = '';
    const channel = deps.openSocket?.(url);
    channel?.addEventListener('close', (event) => {
      if (STREAM_FAILED_CODES.has(event.code)) closeReason = event.reason;
    });
    const rfb = createRfb(target, channel ?? url, { credentials: { password: ticket.vncPassword } });
    own.rfb = rfb;
    rfb.scaleViewport = true;
    rfb.resizeSession = true;
    rfb.focusOnClick = true;
    show(own, 'connecting', waitingMessage(current()?.state));
    let failed = false;
    const fail = (message: string) => {
      failed = true;
      show(own, 'error', message);
    };

    rfb.addEventListener('connect', () => {
      own.connected = true;
      show(own, 'connected', '');
      rfb.focus();
    });
    rfb.addEventListener('disconnect', (event) => {
      if (own.rfb === rfb) own.rfb = null;
      if (failed) return;
      // Closed while waiting because the session will never run: say so, as an error.
      const never = own.connected ? null : verdict();
      if (never) show(own, 'error', never);
      else {
        const message = disconnectMessage(current()?.state, event.detail.clean);
        show(own, 'disconnected', closeReason ? `${message} (${closeReason})` : message);
      }
    });
    rfb.addEventListener('credentialsrequired', (event) => {
      fail(`The session asked for credentials this viewer does not have (${event.detail.types.join(', ')}).`);
      rfb.disconnect();
    });
    rfb.addEventListener('securityfailure', (event) => {
      const reason = event.detail.reason ? `: ${event.detail.reason}` : '';
      fail(`The session refused the connection${reason}. Reconnect to try with a new ticket.`);
    });
  }

  function connect(): void {
    if (disposed) return;
    abandon();
    const own: Attempt = { aborted: false, rfb: null, connected: false };
    attempt = own;
    const never = verdict();
    if (never) {
      show(own, 'error', never);
      return;
    }
    run(own).catch((error: unknown) => show(own, 'error', describeError(error)));
  }

  function sessionChanged(): void {
    const state = current()?.state;
    const previous = previousState;
    previousState = state;
    const own = attempt;
    if (disposed || !own) return;
    if (status === 'connecting' && own.rfb && !own.connected) {
      const never = verdict();
      if (never) {
        show(own, 'error', never);
        abandon();
      } else {
        show(own, 'connecting', waitingMessage(state));
      }
      return;
    }
    // A session woken elsewhere (tray, dashboard) comes back without the user having to click.
    if (
      state === 'running' &&
      previous !== undefined &&
      previous !== 'running' &&
      status === 'disconnected'
    ) {
      connect();
    }
  }

  return {
    connect,
    sessionChanged,
    dispose() {
      abandon();
      disposed = true;
    },
    get status() {
      return status;
    },
  };
}
