import type { ServerInfo, SessionDto } from '../protocol';
import { AuthSession, type FetchLike } from './auth-session';
import { BackendClient } from './backend-client';
import type { CredentialStore } from './credentials';
import { CodedError } from './errors';
import type { IpcHandlers } from './ipc';
import { Poller } from './poller';
import type { Profile, ProfileStore } from './profiles';
import type { StackState } from './stack-supervisor';
import type { ProfileSummary, TrayActions, TrayState } from './tray-menu';
import type { Store } from './tray-store';

/** The part of StackSupervisor the controller uses. */
export interface StackLike {
  start(): Promise<void>;
  stop(): Promise<void>;
  getState(): StackState;
  subscribe(listener: (state: StackState) => void): () => void;
}

export interface ControllerLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface AppControllerOptions {
  profiles: ProfileStore;
  credentials: CredentialStore;
  fetch: FetchLike;
  store: Store<TrayState>;
  /** Called once, the first time the local profile is used. */
  createStack: () => StackLike;
  pollIntervalMs?: number;
  /** How long the renderer's first calls wait for a control plane that is still starting. */
  serverWaitMs?: number;
  log?: ControllerLogger;
  /** Windows of the old profile's sessions mean nothing now. */
  onProfileSwitched?: (profile: Profile) => void;
  /** Same profile, new URL (the local stack restarted on another port). */
  onServerMoved?: (server: ServerInfo) => void;
  onSessionLaunched?: (session: SessionDto) => void;
  /** A tray action failed; there is no window to show it in. */
  notify?: (title: string, message: string) => void;
}

function summary(profile: Profile): ProfileSummary {
  return { id: profile.id, name: profile.name, mode: profile.mode };
}

export function initialTrayState(profiles: ProfileStore): TrayState {
  return {
    profile: summary(profiles.active()),
    profiles: profiles.list().map(summary),
    connection: 'starting',
    templates: [],
    sessions: [],
  };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Ties the active profile to a control plane: starts the local stack or uses the remote URL, keeps a
 * sign-in, polls templates and sessions into the tray store, and answers the renderer's IPC calls.
 */
export class AppController {
  private profile: Profile;
  /** Bumped on every profile switch; async work started for an older one drops its result. */
  private generation = 0;
  private server: ServerInfo | null = null;
  private auth: AuthSession | null = null;
  private client: BackendClient | null = null;
  private stack: StackLike | null = null;
  private readonly serverWaiters = new Set<(server: ServerInfo) => void>();
  private readonly poller: Poller;

  constructor(private readonly options: AppControllerOptions) {
    this.profile = options.profiles.active();
    this.poller = new Poller(() => this.poll(), options.pollIntervalMs ?? 3_000);
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
  async shutdown(): Promise<void> {
    this.generation += 1;
    this.poller.stop();
    await this.stack?.stop();
  }

  currentServer(): ServerInfo | null {
    return this.server;
  }

  /** The tray's session and launch actions; window actions are the adapter's. */
  sessionActions(): Pick<TrayActions, 'launch' | 'hibernate' | 'wake' | 'terminate' | 'switchProfile'> {
    const run = (title: string, action: (client: BackendClient) => Promise<unknown>) => {
      const client = this.client;
      if (!client) {
        this.options.notify?.(title, 'Not connected');
        return;
      }
      action(client)
        .then(() => this.poller.kick())
        .catch((error: unknown) => this.options.notify?.(title, messageOf(error)));
    };
    return {
      launch: (template) =>
        run(`Could not launch ${template}`, async (client) => {
          const session = await client.createSession(template);
          this.options.onSessionLaunched?.(session);
        }),
      hibernate: (name) => run('Could not hibernate the session', (client) => client.hibernate(name)),
      wake: (name) => run('Could not wake the session', (client) => client.wake(name)),
      terminate: (name) => run('Could not terminate the session', (client) => client.terminate(name)),
      switchProfile: (id) => {
        this.switchProfile(id).catch((error: unknown) =>
          this.options.notify?.('Could not switch profile', messageOf(error)),
        );
      },
    };
  }

  ipcHandlers(openSession: (name: string) => void): IpcHandlers {
    return {
      'server:get': () => this.waitForServer(),
      'auth:get': async () => {
        await this.waitForServer();
        return (await this.auth?.ensure()) ?? null;
      },
      'auth:login': async (request) => {
        await this.waitForServer();
        const auth = this.requireAuth();
        const state = await auth.login(request);
        this.poller.kick();
        return state;
      },
      'auth:logout': async () => {
        await this.auth?.logout();
      },
      'auth:token': async () => {
        await this.waitForServer();
        return (await this.auth?.accessToken()) ?? null;
      },
      'auth:refresh': async () => {
        await this.waitForServer();
        this.auth?.invalidate();
        return (await this.auth?.accessToken()) ?? null;
      },
      'session:open': ({ name }) => {
        openSession(name);
      },
    };
  }

  private requireAuth(): AuthSession {
    if (!this.auth) throw new CodedError('unavailable', 'Not connected to a server');
    return this.auth;
  }

  private async activate(profile: Profile): Promise<void> {
    const generation = ++this.generation;
    this.profile = profile;
    this.poller.stop();
    this.auth = null;
    this.client = null;
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
        this.poller.stop();
        this.options.store.set({
          connection: 'starting',
          connectionMessage:
            state.attempt > 1 ? `Restarting the local stack (attempt ${state.attempt})` : undefined,
        });
        return;
      case 'crashed':
        this.poller.stop();
        this.options.store.set({
          connection: 'error',
          connectionMessage: `${state.message}; retrying in ${Math.ceil(state.retryInMs / 1000)} s`,
        });
        return;
      case 'ready':
        if (this.server?.baseUrl === state.url && this.auth) {
          this.poller.start();
          this.poller.kick();
          return;
        }
        void this.connect(state.url, generation);
        return;
      default:
        return;
    }
  }

  private async connect(baseUrl: string, generation: number): Promise<void> {
    const profile = this.profile;
    const previous = this.server;
    const auth = new AuthSession({
      fetch: this.options.fetch,
      baseUrl,
      profile: { id: profile.id, mode: profile.mode },
      credentials: this.options.credentials,
      log: this.options.log,
    });
    auth.onChange((state) => {
      if (generation !== this.generation || this.auth !== auth) return;
      if (state === null && profile.mode === 'remote') {
        this.options.store.set({ connection: 'signed_out', connectionMessage: undefined, sessions: [] });
      }
      this.poller.kick();
    });
    this.auth = auth;
    this.client = new BackendClient({ fetch: this.options.fetch, baseUrl, token: () => auth.accessToken() });
    this.setServer({ baseUrl, mode: profile.mode });
    if (previous && previous.baseUrl !== baseUrl)
      this.options.onServerMoved?.({ baseUrl, mode: profile.mode });

    try {
      const state = profile.mode === 'local' ? await auth.loginLocal() : await auth.resume();
      if (generation !== this.generation) return;
      if (!state) this.options.store.set({ connection: 'signed_out', connectionMessage: undefined });
    } catch (error) {
      if (generation !== this.generation) return;
      this.options.store.set({ connection: 'error', connectionMessage: messageOf(error) });
    }
    this.poller.start();
  }

  private setServer(server: ServerInfo): void {
    this.server = server;
    for (const resolve of [...this.serverWaiters]) resolve(server);
    this.serverWaiters.clear();
  }

  private waitForServer(): Promise<ServerInfo> {
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

  private async poll(): Promise<void> {
    const { auth, client, generation } = this;
    if (!auth || !client) return;
    const current = () => generation === this.generation && this.auth === auth;
    try {
      const token = await auth.accessToken();
      if (!current()) return;
      if (!token) {
        this.options.store.set({ connection: 'signed_out', connectionMessage: undefined, sessions: [] });
        return;
      }
      const [templates, sessions] = await Promise.all([client.listTemplates(), client.listSessions()]);
      if (!current()) return;
      this.options.store.set({ connection: 'connected', connectionMessage: undefined, templates, sessions });
    } catch (error) {
      if (!current()) return;
      if (error instanceof CodedError && error.code === 'unauthorized') {
        // Refused before expiry: revoked, or the stack restarted with new keys. Refresh (or, locally,
        // sign in again) on the next tick.
        auth.invalidate();
        this.options.store.set({ connection: 'starting', connectionMessage: 'Signing in again' });
        return;
      }
      // Keep the last lists: with every action disabled they still tell the user what is running.
      this.options.store.set({ connection: 'error', connectionMessage: messageOf(error) });
    }
  }
}
