import type { RfbEventMap, RfbOptions } from '@novnc/novnc';
import {
  type ApiClient,
  apiWebSocketUrl,
  type BackoffOptions,
  backoffDelay,
  type SessionDto,
  SIGNED_OUT_CLOSE_CODE,
} from '../../../protocol';
import { asleepMessage, endedMessage, readiness, type ViewerStatus, waitingMessage } from './readiness';
import { ticketFailure } from './ticket-failure';

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

/**
 * Close codes whose reason says why the viewer ended: the session's stream failed (4502, 4503),
 * or the sign-in that opened it ended (signed out, expired, password changed).
 */
const STREAM_FAILED_CODES = new Set([4502, 4503, SIGNED_OUT_CLOSE_CODE]);

/**
 * While the server or the session is unreachable: quick at first (a blip heals in a fraction of a
 * second), and never more than 2 s between tries, so a restarted server has its viewers back
 * within about 2 s of being ready. One small request per viewer every 2 s is polite enough.
 */
export const RECONNECT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 2_000 };

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
  backoff?: BackoffOptions;
  random?: () => number;
}

export interface ViewerConnection {
  /**
   * A person (re)opens the session: a fresh single-use ticket, any earlier attempt abandoned.
   * Opening a hibernated session wakes it, since the server wakes what a viewer connects to.
   */
  connect(): void;
  /** The session's known state may have changed: update the wait, stop, sleep, or come back. */
  sessionChanged(): void;
  /** A person closes the stream (the toolbar's Disconnect): nothing reconnects until `connect`. */
  disconnect(): void;
  dispose(): void;
  readonly status: ViewerStatus;
}

interface Attempt {
  aborted: boolean;
  rfb: RfbLike | null;
  /** The RFB handshake finished in this attempt. */
  connected: boolean;
  /** A person asked for it, rather than the reconnect loop. */
  opened: boolean;
  /** Whether the session's state was known when it was made, or has been learned since. */
  known: boolean;
  /** Made to wake a hibernated session (the server wakes it): its sleep is expected, not a stop. */
  wakes: boolean;
}

interface Closed {
  code: number;
  reason: string;
}

/**
 * Connects noVNC to a session and keeps it connected. The server holds the socket until the
 * session runs, so the viewer connects at once and only says why it waits. A lost connection is
 * retried by itself with a fresh ticket each time; a hibernating, ended or failed session (from
 * the live sessions store) stops the stream at once, so no input is sent to a frozen session and
 * replayed when it wakes. The VNC password goes straight to noVNC, never into a URL or a log.
 */
export function createViewerConnection(deps: ViewerConnectionDeps): ViewerConnection {
  const { name } = deps;
  const backoff = deps.backoff ?? RECONNECT_BACKOFF;
  let status: ViewerStatus = 'connecting';
  let attempt: Attempt | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The connection was lost and has not come back yet: waits are shown as reconnecting. */
  let lost = false;
  /** Tries in a row that did not reach the session, for the backoff. */
  let misses = 0;
  let fetched: SessionDto | undefined;
  let disposed = false;
  const current = () => deps.session() ?? fetched;

  function view(next: ViewerStatus, message: string): void {
    if (disposed) return;
    status = next;
    deps.onView({ status: next, message });
  }

  function show(owner: Attempt, next: ViewerStatus, message: string): void {
    if (!owner.aborted) view(next, message);
  }

  function waitView(own: Attempt): void {
    const state = current()?.state;
    const running = readiness(state) === 'connect';
    show(
      own,
      lost ? 'reconnecting' : 'connecting',
      lost && running ? 'Reconnecting…' : waitingMessage(state),
    );
  }

  /** Cancels a pending retry and abandons the attempt in hand; noVNC sends nothing after this. */
  function stop(): void {
    clearTimeout(timer);
    timer = undefined;
    const own = attempt;
    attempt = null;
    if (!own) return;
    own.aborted = true;
    const rfb = own.rfb;
    own.rfb = null;
    rfb?.disconnect();
  }

  /** Stops for good when the session's state says it cannot be viewed now; false if it can. */
  function settle(): boolean {
    const session = current();
    const state = session?.state;
    const verdict = readiness(state);
    if (verdict === 'connect' || verdict === 'wait') return false;
    stop();
    lost = false;
    if (verdict === 'asleep') view('hibernated', asleepMessage(state));
    else view(verdict, endedMessage(state, session?.status.message ?? ''));
    return true;
  }

  function retryLater(reason: string): void {
    stop();
    lost = true;
    view('reconnecting', reason ? `Reconnecting… (${reason})` : 'Reconnecting…');
    timer = setTimeout(
      () => {
        timer = undefined;
        open(false);
      },
      backoffDelay(misses++, backoff, deps.random),
    );
  }

  function open(byPerson: boolean): void {
    if (disposed) return;
    stop();
    const state = current()?.state;
    // Only a person wakes a session by opening it; the reconnect loop never does.
    const wakes = byPerson && state === 'hibernated';
    if (!wakes && settle()) return;
    const own: Attempt = {
      aborted: false,
      rfb: null,
      connected: false,
      opened: byPerson,
      known: state !== undefined,
      wakes,
    };
    attempt = own;
    run(own).catch((error: unknown) => void missed(own, error));
  }

  /** The session was unknown when the attempt started: ask once, to say why the wait takes long. */
  function learnSession(own: Attempt): void {
    deps.api.getSession({ params: { name } }).then(
      (session) => {
        fetched = session;
        deps.onSession?.(session);
        if (attempt === own) sessionChanged();
      },
      () => undefined,
    );
  }

  async function run(own: Attempt): Promise<void> {
    if (!current()) learnSession(own);
    // While reconnecting, the reason of the last miss stays up until there is news.
    if (!lost) show(own, 'connecting', 'Requesting access…');
    const ticket = await deps.api.viewerTicket({ params: { name } });
    const [createRfb, baseUrl] = await Promise.all([deps.loadRfb(), deps.baseUrl()]);
    const target = deps.target();
    if (own.aborted || disposed || !target) return;

    const url = apiWebSocketUrl(baseUrl, 'vnc', { params: { name }, query: { ticket: ticket.ticket } });
    const closed: Closed = { code: 0, reason: '' };
    const channel = deps.openSocket?.(url);
    channel?.addEventListener('close', (event) => {
      closed.code = event.code;
      if (STREAM_FAILED_CODES.has(event.code)) closed.reason = event.reason;
    });
    const rfb = createRfb(target, channel ?? url, { credentials: { password: ticket.vncPassword } });
    own.rfb = rfb;
    rfb.scaleViewport = true;
    rfb.resizeSession = true;
    rfb.focusOnClick = true;
    waitView(own);
    let refused = false;
    const refuse = (message: string) => {
      refused = true;
      show(own, 'error', message);
    };

    rfb.addEventListener('connect', () => {
      if (own.aborted) return;
      own.connected = true;
      lost = false;
      misses = 0;
      show(own, 'connected', '');
      rfb.focus();
    });
    rfb.addEventListener('disconnect', () => {
      if (own.rfb === rfb) own.rfb = null;
      if (refused || own.aborted) return;
      dropped(own, closed);
    });
    rfb.addEventListener('credentialsrequired', (event) => {
      refuse(
        `The session asked for credentials this viewer does not have (${event.detail.types.join(', ')}).`,
      );
      rfb.disconnect();
    });
    rfb.addEventListener('securityfailure', (event) => {
      const reason = event.detail.reason ? `: ${event.detail.reason}` : '';
      refuse(`The session refused the connection${reason}. Reconnect to try with a new ticket.`);
    });
  }

  /** The stream ended without the viewer asking: say why from the state, or try again. */
  function dropped(own: Attempt, closed: Closed): void {
    if (attempt === own) attempt = null;
    if (settle()) return;
    if (closed.code === SIGNED_OUT_CLOSE_CODE) {
      // Only signing in again helps; the app's events socket takes the user to the login form.
      view('disconnected', `Disconnected: ${closed.reason || 'your sign-in has ended'}.`);
      return;
    }
    retryLater(closed.reason);
  }

  /** No ticket (or no noVNC): retry while the server is away, else learn why and say so. */
  async function missed(own: Attempt, error: unknown): Promise<void> {
    if (own.aborted) return;
    const failure = ticketFailure(error);
    if (failure.kind === 'recheck') {
      // The session moved on (ended, failed, asleep) while the app did not hear of it yet.
      const session = await deps.api.getSession({ params: { name } }).catch(() => undefined);
      if (own.aborted) return;
      if (session) {
        fetched = session;
        deps.onSession?.(session);
      }
    }
    if (attempt === own) attempt = null;
    switch (failure.kind) {
      case 'unreachable':
        retryLater('the server cannot be reached');
        break;
      case 'recheck':
        if (!settle()) retryLater('');
        break;
      case 'gone':
        view('ended', 'The session no longer exists.');
        break;
      case 'signed-out':
        view('disconnected', 'Your sign-in has ended. Sign in again to reconnect.');
        break;
      case 'refused':
        view('error', failure.message);
        break;
    }
  }

  function sessionChanged(): void {
    if (disposed) return;
    const state = current()?.state;
    const own = attempt;
    if (own && !own.known && state !== undefined) {
      own.known = true;
      own.wakes = own.opened && state === 'hibernated';
    }
    const verdict = readiness(state);
    if (verdict === 'asleep' && own?.wakes && !own.connected) waitView(own);
    else if (verdict === 'asleep' || verdict === 'ended' || verdict === 'failed') settle();
    // Woken elsewhere (tray, dashboard): the server holds the socket until it runs.
    else if (status === 'hibernated') open(false);
    // News of the session means the server is back: try now rather than at the end of the wait.
    else if (status === 'reconnecting' && timer !== undefined) open(false);
    else if (own?.rfb && !own.connected) waitView(own);
  }

  return {
    connect() {
      lost = false;
      misses = 0;
      open(true);
    },
    sessionChanged,
    disconnect() {
      if (disposed) return;
      stop();
      lost = false;
      misses = 0;
      view('disconnected', 'Disconnected. Reconnect to continue.');
    },
    dispose() {
      stop();
      disposed = true;
    },
    get status() {
      return status;
    },
  };
}
