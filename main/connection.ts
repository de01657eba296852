import type { ApiClient, AuthState, ServerInfo } from '../protocol';
import { signedInClient } from './api';
import { AuthSession, type FetchLike, type RenewalTimers } from './auth-session';
import { type CredentialStore, LOCAL_PROFILE_URL } from './credentials';
import { CodedError } from './errors';
import type { Profile, ProfileStore } from './profiles';
import type { StackState } from './stack-supervisor';
import type { ProfileSummary, TrayState } from './tray-menu';
import type { Store } from './tray-store';

/** The part of StackSupervisor the connection uses. */
export interface StackLike {
  start(): Promise<void>;
  /** `terminateSessions`: quitting with "terminate sessions on quit" chosen. */
  stop(options?: { terminateSessions?: boolean }): Promise<void>;
  getState(): StackState;
  subscribe(listener: (state: StackState) => void): () => void;
}

export interface ConnectionLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/** One control plane, signed in (or trying to be) for the active profile. */
export interface Link {
  baseUrl: string;
  auth: AuthSession;
  client: ApiClient;
}

/** What keeps the tray current while a link is up; the connection starts and stops it. */
export interface FeedLike {
  readonly running: boolean;
  start(): void;
  stop(): void;
}

export interface ConnectionOptions {
  profiles: ProfileStore;
  credentials: CredentialStore;
  fetch: FetchLike;
  store: Store<TrayState>;
  /** Called once, the first time the local profile is used. */
  createStack: () => StackLike;
  /** A feed for a new link; it is started once the link has tried to sign in. */
  createFeed: (link: Link) => FeedLike;
  /** How long the renderer's first calls wait for a control plane that is still starting. */
  serverWaitMs?: number;
  log?: ConnectionLogger;
  /** Windows of the old profile's sessions mean nothing now. */
  onProfileSwitched?: (profile: Profile) => void;
  /** Same profile, new URL (the local stack restarted on another port). */
  onServerMoved?: (server: ServerInfo) => void;
  /** Renews sign-ins in the background; tests that drive a clock leave it out. */
  renewalTimers?: RenewalTimers;
  /** A remote sign-in ended without the user asking (renewal refused): ask them to sign in again. */
  onSignInNeeded?: (profile: Profile) => void;
  /** The active profile's sign-in changed: renewed (a new access token), or ended (null, remote only). */
  onAuthChanged?: (state: AuthState | null) => void;
}

export function summary(profile: Profile): ProfileSummary {
  return { id: profile.id, name: profile.name, mode: profile.mode };
}

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Ties the active profile to a control plane: starts the local stack or uses the remote URL,
 * follows the stack through crashes and port changes, keeps a sign-in, and runs the tray feed
 * while signed in.
 */
export class Connection {
  private profile: Profile;
  /** Bumped on every profile switch; async work started for an older one drops its result. */
  private generation = 0;
  private server: ServerInfo | null = null;
  private current: (Link & { feed: FeedLike }) | null = null;
  private stack: StackLike | null = null;
  private readonly serverWaiters = new Set<(server: ServerInfo) => void>();

  constructor(private readonly options: ConnectionOptions) {
    this.profile = options.profiles.active();
  }

  async start(): Promise<void> {
    await this.activate(this.options.profiles.active());
  }

  async switchProfile(id: string): Promise<void> {
    if (id === this.profile.id) return;
    const profile = await this.options.profiles.setActive(id);
    this.options.onProfileSwitched?.(profile);
    await this.activate(profile);
  }

  /** Quit: nothing may restart the stack after this. */
  async shutdown(options: { terminateSessions?: boolean } = {}): Promise<void> {
    this.generation += 1;
    this.current?.feed.stop();
    this.current?.auth.dispose();
    await this.stack?.stop(options);
  }

  currentServer(): ServerInfo | null {
    return this.server;
  }

  /** The local stack's settings changed: restart it on them if it is what the user is on now. */
  async restartLocalStack(): Promise<void> {
    if (this.profile.mode !== 'local' || !this.stack) return;
    const generation = this.generation;
    await this.stack.stop();
    // A switch while it stopped has already decided what runs next.
    if (generation !== this.generation || this.profile.mode !== 'local') return;
    await this.activate(this.profile);
  }

  /** The signed-in link, if any; null while switching or before the server is known. */
  link(): Link | null {
    return this.current;
  }

  requireAuth(): AuthSession {
    if (!this.current) throw new CodedError('unavailable', 'Not connected to a server');
    return this.current.auth;
  }

  waitForServer(): Promise<ServerInfo> {
    if (this.server) return Promise.resolve(this.server);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.serverWaiters.delete(done);
        const why = this.options.store.get().connectionMessage;
        reject(new CodedError('unavailable', why ?? 'The server is not available yet'));
      }, this.options.serverWaitMs ?? 60_000);
      const done = (server: ServerInfo) => {
        clearTimeout(timer);
        resolve(server);
      };
      this.serverWaiters.add(done);
    });
  }

  private async activate(profile: Profile): Promise<void> {
    const generation = ++this.generation;
    this.profile = profile;
    this.current?.feed.stop();
    this.current?.auth.dispose();
    this.current = null;
    this.server = null;
    this.options.store.set({
      profile: summary(profile),
      profiles: this.options.profiles.list().map(summary),
      connection: 'starting',
      connectionMessage: undefined,
      templates: [],
      sessions: [],
    });

    if (profile.mode === 'remote') {
      // A remote profile needs no local stack; its sessions keep running in their own runtime.
      this.stack
        ?.stop()
        .catch((error: unknown) => this.options.log?.warn({ error: messageOf(error) }, 'stack stop'));
      await this.connect(profile.url, generation);
      return;
    }

    const stack = this.ensureStack();
    const state = stack.getState();
    if (state.phase === 'ready') {
      await this.connect(state.url, generation);
      return;
    }
    try {
      // A quick remote-and-back switch can find the stack still stopping; start() would then be a no-op.
      if (state.phase === 'stopping') await stack.stop();
      if (generation !== this.generation) return;
      await stack.start();
    } catch (error) {
      if (generation === this.generation) {
        this.options.store.set({ connection: 'error', connectionMessage: messageOf(error) });
      }
    }
  }

  private ensureStack(): StackLike {
    if (!this.stack) {
      this.stack = this.options.createStack();
      this.stack.subscribe((state) => this.onStackState(state));
    }
    return this.stack;
  }

  private onStackState(state: StackState): void {
    if (this.profile.mode !== 'local') return;
    const generation = this.generation;
    switch (state.phase) {
      case 'starting':
        this.current?.feed.stop();
        this.options.store.set({
          connection: 'starting',
          connectionMessage:
            state.attempt > 1 ? `Restarting the local stack (attempt ${state.attempt})` : undefined,
        });
        return;
      case 'crashed':
        this.current?.feed.stop();
        this.options.store.set({
          connection: 'error',
          connectionMessage: `${state.message}; retrying in ${Math.ceil(state.retryInMs / 1000)} s`,
        });
        return;
      case 'ready':
        if (this.server?.baseUrl === state.url && this.current) {
          this.restartFeed(this.current);
          return;
        }
        void this.connect(state.url, generation);
        return;
      default:
        return;
    }
  }

  /** A stopped feed cannot be restarted: the link gets a new one. */
  private restartFeed(link: Link & { feed: FeedLike }): void {
    if (link.feed.running) return;
    link.feed.stop();
    link.feed = this.options.createFeed(link);
    link.feed.start();
  }

  private async connect(baseUrl: string, generation: number): Promise<void> {
    const profile = this.profile;
    const previous = this.server;
    this.current?.feed.stop();
    this.current?.auth.dispose();
    const auth = new AuthSession({
      fetch: this.options.fetch,
      baseUrl,
      profile: {
        id: profile.id,
        mode: profile.mode,
        url: profile.mode === 'remote' ? profile.url : LOCAL_PROFILE_URL,
      },
      lastUsername: profile.mode === 'remote' ? profile.username : undefined,
      onSignedIn: (username) => {
        if (profile.mode !== 'remote') return;
        this.options.profiles
          .rememberUser(profile.id, username)
          .catch((error: unknown) => this.options.log?.warn({ error: messageOf(error) }, 'profile save'));
      },
      onSignInLost: () => {
        if (profile.mode === 'remote' && generation === this.generation)
          this.options.onSignInNeeded?.(profile);
      },
      credentials: this.options.credentials,
      log: this.options.log,
      timers: this.options.renewalTimers,
    });
    const link: Link & { feed: FeedLike } = {
      baseUrl,
      auth,
      client: signedInClient({ baseUrl, fetch: this.options.fetch, auth }),
      feed: { running: false, start: () => {}, stop: () => {} },
    };
    const mine = () => generation === this.generation && this.current === link;
    auth.onChange((state) => {
      if (!mine()) return;
      // Local mode signs itself in again at once, so only a remote sign-out reaches the page.
      if (state || profile.mode === 'remote') this.options.onAuthChanged?.(state);
      if (state === null && profile.mode === 'remote') {
        link.feed.stop();
        this.options.store.set({ connection: 'signed_out', connectionMessage: undefined, sessions: [] });
        return;
      }
      if (state) this.restartFeed(link);
    });
    this.current = link;
    this.setServer({ baseUrl, mode: profile.mode });
    if (previous && previous.baseUrl !== baseUrl)
      this.options.onServerMoved?.({ baseUrl, mode: profile.mode });

    try {
      const state = profile.mode === 'local' ? await auth.loginLocal() : await auth.resume();
      if (!mine()) return;
      if (!state) {
        this.options.store.set({ connection: 'signed_out', connectionMessage: undefined });
        return;
      }
    } catch (error) {
      if (!mine()) return;
      this.options.store.set({ connection: 'error', connectionMessage: messageOf(error) });
    }
    // After a failed sign-in the feed keeps trying: its token call signs in again.
    this.restartFeed(link);
  }

  private setServer(server: ServerInfo): void {
    this.server = server;
    for (const resolve of [...this.serverWaiters]) resolve(server);
    this.serverWaiters.clear();
  }
}
