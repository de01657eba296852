import {
  type ApiClient,
  type BackoffOptions,
  connectEvents,
  type EventsSocket,
  type EventsSocketHandlers,
  type IdleWarningEvent,
  type ServerEvent,
  type SessionDto,
} from '../protocol';
import type { TrayState } from './tray-menu';
import type { Store } from './tray-store';

export type CreateEventsSocket = (url: string, handlers: EventsSocketHandlers) => EventsSocket;

export interface TrayFeedOptions {
  store: Store<TrayState>;
  client: ApiClient;
  /** Shown in the tray while the event stream is down. */
  baseUrl: string;
  eventsUrl: string;
  token: () => Promise<string | null>;
  refreshToken: () => Promise<string | null>;
  createSocket: CreateEventsSocket;
  backoff?: BackoffOptions;
  /** A session of this user hibernates in about a minute unless it is opened. */
  onIdleWarning?: (warning: IdleWarningEvent) => void;
  /** The sign-in is gone; the feed has stopped itself. */
  onSignedOut?: () => void;
}

/**
 * A pushed session in the list: replaced by name, added when new, dropped once terminated. An
 * answer that arrives after a newer event of the same session does not turn it back.
 */
export function upsertSession(sessions: readonly SessionDto[], session: SessionDto): SessionDto[] {
  const known = sessions.find((s) => s.name === session.name);
  if (known && known.updatedAt > session.updatedAt) return [...sessions];
  if (session.state === 'terminated') return sessions.filter((s) => s.name !== session.name);
  if (!known) return [...sessions, session];
  return sessions.map((s) => (s.name === session.name ? session : s));
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Keeps the tray's templates and sessions current from the /events socket: one list call on every
 * (re)connect, then each pushed session change applied by name.
 */
export class TrayFeed {
  private stopEvents: (() => void) | null = null;
  private stopped = false;
  /** Bumped per resync, so an older list answer cannot overwrite a newer one. */
  private resyncs = 0;
  /** Sessions pushed while a list call is in flight: newer than its answer may be. */
  private pushedDuringResync: SessionDto[] | null = null;
  /** The server refused the token; the next reconnect signs in again. */
  private reauthenticating = false;

  constructor(private readonly options: TrayFeedOptions) {}

  get running(): boolean {
    return this.stopEvents !== null && !this.stopped;
  }

  start(): void {
    if (this.stopEvents || this.stopped) return;
    const o = this.options;
    this.stopEvents = connectEvents({
      url: () => o.eventsUrl,
      token: o.token,
      refreshToken: o.refreshToken,
      createSocket: o.createSocket,
      backoff: o.backoff,
      onEvent: (event) => this.onEvent(event),
      onReady: () => void this.resync(),
      onStatus: (status) => {
        if (this.stopped || status !== 'offline' || this.reauthenticating) return;
        // Keep the last lists: with every action disabled they still tell the user what is running.
        o.store.set({
          connection: 'error',
          connectionMessage: `Cannot reach ${o.baseUrl}: the event stream is disconnected`,
        });
      },
      onSignedOut: () => {
        if (this.stopped) return;
        this.stop();
        o.store.set({ connection: 'signed_out', connectionMessage: undefined, sessions: [] });
        o.onSignedOut?.();
      },
    });
  }

  stop(): void {
    this.stopped = true;
    this.stopEvents?.();
  }

  /** What an action's answer says about a session, without waiting for its event. */
  apply(session: SessionDto): void {
    if (this.stopped) return;
    this.pushedDuringResync?.push(session);
    this.options.store.set((s) => ({ sessions: upsertSession(s.sessions, session) }));
  }

  private onEvent(event: ServerEvent): void {
    if (this.stopped) return;
    if (event.type === 'session') {
      this.apply(event.session);
      return;
    }
    if (event.type === 'idle_warning') {
      this.options.onIdleWarning?.(event);
      return;
    }
    if (event.type === 'error' && event.code === 'unauthorized') {
      // Refused before expiry: revoked, or the stack restarted with new keys.
      this.reauthenticating = true;
      this.options.store.set({ connection: 'starting', connectionMessage: 'Signing in again' });
    }
  }

  private async resync(): Promise<void> {
    const { client, store } = this.options;
    const id = ++this.resyncs;
    this.reauthenticating = false;
    const pushed: SessionDto[] = [];
    this.pushedDuringResync = pushed;
    try {
      const [templates, sessions] = await Promise.all([client.listTemplates(), client.listSessions()]);
      if (this.stopped || id !== this.resyncs) return;
      const merged = pushed.reduce(
        upsertSession,
        sessions.sessions.filter((s) => s.state !== 'terminated'),
      );
      store.set({
        connection: 'connected',
        connectionMessage: undefined,
        templates: templates.templates,
        sessions: merged,
      });
    } catch (error) {
      if (this.stopped || id !== this.resyncs) return;
      store.set({ connection: 'error', connectionMessage: messageOf(error) });
    } finally {
      if (id === this.resyncs) this.pushedDuringResync = null;
    }
  }
}
