import {
  type AuthState,
  apiWebSocketUrl,
  type BackoffOptions,
  type CommandAccepted,
  type KubeContextList,
  type ServerInfo,
  type SessionDto,
} from '../protocol';
import type { FetchLike, RenewalTimers } from './auth-session';
import type { ClipboardChannel } from './clipboard-handlers';
import {
  Connection,
  type ConnectionLogger,
  type Link,
  messageOf,
  type StackLike,
  summary,
} from './connection';
import type { CredentialStore } from './credentials';
import type { DesktopControls } from './desktop-handlers';
import { wsEventsSocket } from './events-socket';
import type { IpcHandlers } from './ipc';
import { createIpcHandlers } from './ipc-handlers';
import type { Profile, ProfileStore } from './profiles';
import { type CreateEventsSocket, TrayFeed, type TrayFeedOptions } from './tray-feed';
import type { TrayActions, TrayState } from './tray-menu';
import type { Store } from './tray-store';

export type { StackLike } from './connection';

export interface AppControllerOptions {
  profiles: ProfileStore;
  credentials: CredentialStore;
  fetch: FetchLike;
  store: Store<TrayState>;
  /** Called once, the first time the local profile is used. */
  createStack: () => StackLike;
  /** The /events socket; the `ws` package unless a test says otherwise. */
  createEventsSocket?: CreateEventsSocket;
  /** Reconnect delays of the /events socket. */
  eventsBackoff?: BackoffOptions;
  /** How long the renderer's first calls wait for a control plane that is still starting. */
  serverWaitMs?: number;
  log?: ConnectionLogger;
  /** Windows of the old profile's sessions mean nothing now. */
  onProfileSwitched?: (profile: Profile) => void;
  /** Same profile, new URL (the local stack restarted on another port). */
  onServerMoved?: (server: ServerInfo) => void;
  onSessionLaunched?: (session: SessionDto) => void;
  /** Renews sign-ins in the background (realTimers in the app). */
  renewalTimers?: RenewalTimers;
  /** A remote sign-in could not be renewed: the user has to sign in again. */
  onSignInNeeded?: (profile: Profile) => void;
  /** Renewed or ended sign-ins, for the pushes to open pages. */
  onAuthChanged?: (state: AuthState | null) => void;
  /** A session hibernates in about a minute for idleness (the /events warning). */
  onIdleWarning?: TrayFeedOptions['onIdleWarning'];
  /** A tray action failed; there is no window to show it in. */
  notify?: (title: string, message: string) => void;
  /** The kubeconfig contexts a settings page can offer; none unless the adapter can read them. */
  listKubeContexts?: (kubeconfig: string | undefined) => KubeContextList;
  /** The quit and close settings the Settings page changes. */
  appSettings?: DesktopControls['settings'];
  onProfilesChanged?: DesktopControls['onProfilesChanged'];
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

/**
 * Main's composition of its logic: the connection to the active profile's control plane, the tray
 * feed it runs while signed in, the tray's session actions and the renderer's IPC handlers.
 */
export class AppController {
  private readonly connection: Connection;
  private feed: TrayFeed | null = null;

  constructor(private readonly options: AppControllerOptions) {
    this.connection = new Connection({ ...options, createFeed: (link) => this.createFeed(link) });
  }

  start(): Promise<void> {
    return this.connection.start();
  }

  switchProfile(id: string): Promise<void> {
    return this.connection.switchProfile(id);
  }

  /** Quit: nothing may restart the stack after this. */
  shutdown(options: { terminateSessions?: boolean } = {}): Promise<void> {
    return this.connection.shutdown(options);
  }

  currentServer(): ServerInfo | null {
    return this.connection.currentServer();
  }

  /** The tray's session and launch actions; window actions are the adapter's. */
  sessionActions(): Pick<TrayActions, 'launch' | 'hibernate' | 'wake' | 'terminate' | 'switchProfile'> {
    const notify = (title: string, error: unknown) => this.options.notify?.(title, messageOf(error));
    const run = (title: string, action: (link: Link) => Promise<SessionDto>) => {
      const link = this.connection.link();
      if (!link) {
        this.options.notify?.(title, 'Not connected');
        return;
      }
      const feed = this.feed;
      // The answer already says what the session became; its event will say the same.
      action(link)
        .then((session) => feed?.apply(session))
        .catch((error: unknown) => notify(title, error));
    };
    const command = (accepted: Promise<CommandAccepted>) => accepted.then((a) => a.session);
    return {
      launch: (template) =>
        run(`Could not launch ${template}`, async ({ client }) => {
          const session = await client.createSession({ body: { template } });
          this.options.onSessionLaunched?.(session);
          return session;
        }),
      hibernate: (name) =>
        run('Could not hibernate the session', ({ client }) =>
          command(client.hibernateSession({ params: { name } })),
        ),
      wake: (name) =>
        run('Could not wake the session', ({ client }) => command(client.wakeSession({ params: { name } }))),
      terminate: (name) =>
        run('Could not terminate the session', ({ client }) =>
          command(client.terminateSession({ params: { name } })),
        ),
      switchProfile: (id) => {
        this.switchProfile(id).catch((error: unknown) => notify('Could not switch profile', error));
      },
    };
  }

  ipcHandlers(openSession: (name: string) => void): Omit<IpcHandlers, ClipboardChannel> {
    const { profiles, listKubeContexts, store } = this.options;
    return createIpcHandlers(
      this.connection,
      openSession,
      {
        settings: () => profiles.localSettings(),
        save: (settings) => profiles.setLocalSettings(settings),
        kubeContexts: (kubeconfig) =>
          listKubeContexts?.(kubeconfig) ?? { ok: false, message: 'Listing contexts is not available here' },
      },
      {
        profiles,
        store,
        switchProfile: (id) => this.switchProfile(id),
        settings: this.options.appSettings,
        onProfilesChanged: this.options.onProfilesChanged,
      },
    );
  }

  private createFeed(link: Link): TrayFeed {
    const { auth } = link;
    this.feed = new TrayFeed({
      store: this.options.store,
      client: link.client,
      baseUrl: link.baseUrl,
      eventsUrl: apiWebSocketUrl(link.baseUrl, 'events'),
      token: () => auth.accessToken(),
      refreshToken: () => {
        auth.invalidate();
        return auth.accessToken();
      },
      createSocket: this.options.createEventsSocket ?? wsEventsSocket,
      backoff: this.options.eventsBackoff,
      onIdleWarning: this.options.onIdleWarning,
    });
    return this.feed;
  }
}
