import {
  type ApiClient,
  type AuthState,
  createApiClient,
  type LoginRequest,
  type TokenPair,
} from '../protocol';
import {
  type CredentialStore,
  credentialAccount,
  LOCAL_ADMIN_ACCOUNT,
  LOCAL_ADMIN_USERNAME,
  LOCAL_PROFILE_URL,
  type SecretVault,
  secretVault,
} from './credentials';
import { CodedError, coded } from './errors';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

export interface AuthLogger {
  warn(details: object, message: string): void;
}

/** Timers for the background renewal; a test passes its own clock's. */
export interface RenewalTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: RenewalTimers = {
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    // A pending renewal must not keep a quitting process alive.
    timer.unref?.();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface AuthSessionOptions {
  fetch: FetchLike;
  /** Control-plane base URL without a trailing slash. */
  baseUrl: string;
  /** `url` names the keychain account: the server's URL, or LOCAL_PROFILE_URL for the local stack. */
  profile: { id: string; mode: 'local' | 'remote'; url?: string };
  /** Who signed in last on this profile: resume() looks for their refresh token. */
  lastUsername?: string;
  /** The server refused to renew a sign-in that was in use: the user has to sign in again. */
  onSignInLost?: () => void;
  /** A sign-in succeeded as `username`; the profile remembers it for the next start. */
  onSignedIn?: (username: string) => void;
  credentials: CredentialStore;
  /**
   * Renews the sign-in in the background shortly before it expires, so a feed or a viewer never
   * meets an expired token; without timers it renews only when asked.
   */
  timers?: RenewalTimers;
  /** How long to wait before trying again after a renewal that could not reach the server. */
  renewalRetryMs?: number;
  now?: () => number;
  /** Refresh when the access token expires within this long. */
  refreshMarginMs?: number;
  requestTimeoutMs?: number;
  log?: AuthLogger;
}

export { LOCAL_ADMIN_USERNAME } from './credentials';

interface Current {
  accessToken: string;
  expiresAtMs: number;
  /** When to refresh: a fixed margin before expiry, or half the lifetime for very short-lived tokens. */
  refreshAtMs: number;
  refreshToken: string;
  state: AuthState;
}

/**
 * One signed-in identity on one control plane. The access token stays in memory; the refresh token
 * lives in the keychain so a restart does not ask for the password again.
 */
export class AuthSession {
  private current: Current | null = null;
  private refreshing: Promise<Current | null> | null = null;
  private readonly listeners = new Set<(state: AuthState | null) => void>();
  private readonly now: () => number;
  private readonly vault: SecretVault;
  private readonly profileUrl: string;
  /** The keychain account of the refresh token in use: `<username>@<profile URL>`. */
  private account: string | null;
  private readonly api: ApiClient;
  private renewal: unknown = null;
  private disposed = false;

  constructor(private readonly options: AuthSessionOptions) {
    this.now = options.now ?? Date.now;
    this.vault = secretVault(options.credentials);
    const local = options.profile.mode === 'local';
    this.profileUrl = local ? LOCAL_PROFILE_URL : (options.profile.url ?? options.baseUrl);
    const username = local ? LOCAL_ADMIN_USERNAME : options.lastUsername;
    this.account = username ? credentialAccount(username, this.profileUrl) : null;
    this.api = createApiClient({
      baseUrl: options.baseUrl,
      fetch: options.fetch,
      timeoutMs: options.requestTimeoutMs ?? 15_000,
    });
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** The sign-in as last known, without touching the network. */
  state(): AuthState | null {
    return this.current?.state ?? null;
  }

  onChange(listener: (state: AuthState | null) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async login(request: LoginRequest): Promise<AuthState> {
    const pair = await coded('Sign-in', () => this.api.login({ body: request }));
    return (await this.accept(pair)).state;
  }

  /** Local mode: the app created the admin account itself and keeps its password in the keychain. */
  async loginLocal(): Promise<AuthState> {
    const { adminPassword: password } = await this.vault.read(LOCAL_ADMIN_ACCOUNT);
    if (!password) {
      throw new CodedError('keychain_unavailable', 'The local admin password is missing from the keychain');
    }
    return this.login({ username: LOCAL_ADMIN_USERNAME, password });
  }

  /** Signs in again from the refresh token in the keychain; null when there is none or it was revoked. */
  async resume(): Promise<AuthState | null> {
    if (!this.account) return null;
    let stored: string | undefined;
    try {
      stored = (await this.vault.read(this.account)).refreshToken;
    } catch (error) {
      this.options.log?.warn({ error: String(error) }, 'cannot read the refresh token from the keychain');
      return null;
    }
    if (!stored) return null;
    const refreshed = await this.refreshWith(stored);
    return refreshed?.state ?? null;
  }

  /**
   * The sign-in, refreshed when close to expiry. In local mode a missing sign-in is re-created from the
   * keychain: there is exactly one user and the keychain already vouches for them.
   */
  async ensure(): Promise<AuthState | null> {
    const current = this.current;
    if (current && this.now() < current.refreshAtMs) return current.state;
    if (current) {
      try {
        const refreshed = await this.refreshWith(current.refreshToken);
        if (refreshed) return refreshed.state;
      } catch (error) {
        // The server is unreachable for a moment: a token that has not expired yet still works.
        if (this.current && this.now() < this.current.expiresAtMs) return this.current.state;
        throw error;
      }
    }
    if (this.options.profile.mode === 'local') return this.loginLocal();
    return null;
  }

  /** The server refused the access token before its expiry (revoked, or a restarted stack): refresh next time. */
  invalidate(): void {
    if (this.current) this.current.refreshAtMs = 0;
  }

  async accessToken(): Promise<string | null> {
    return (await this.ensure())?.accessToken ?? null;
  }

  /** The link is replaced or the app quits: no more background renewals. */
  dispose(): void {
    this.disposed = true;
    this.cancelRenewal();
  }

  async logout(): Promise<void> {
    const current = this.current;
    await this.refreshing?.catch(() => null);
    const refreshToken = this.current?.refreshToken ?? current?.refreshToken;
    this.setCurrent(null);
    if (refreshToken) {
      try {
        await this.api.logout({ body: { refreshToken } });
      } catch (error) {
        // Signing out locally matters more than telling a server we cannot reach.
        this.options.log?.warn({ error: String(error) }, 'logout request failed');
      }
    }
    await this.forgetStoredToken();
  }

  private refreshWith(refreshToken: string): Promise<Current | null> {
    // Refresh tokens rotate: two refreshes with the same token would make the second fail (or look
    // like token theft to the server), so concurrent callers share one request.
    if (!this.refreshing) {
      this.refreshing = this.doRefresh(refreshToken).finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(refreshToken: string): Promise<Current | null> {
    let pair: TokenPair;
    try {
      pair = await coded('Token refresh', () => this.api.refresh({ body: { refreshToken } }));
    } catch (error) {
      if (error instanceof CodedError && (error.status === 400 || error.status === 401)) {
        const wasSignedIn = this.current !== null;
        this.setCurrent(null);
        await this.forgetStoredToken();
        if (wasSignedIn) this.options.onSignInLost?.();
        return null;
      }
      throw error;
    }
    return this.accept(pair);
  }

  private async accept(pair: TokenPair): Promise<Current> {
    const expiresAtMs = Date.parse(pair.expiresAt);
    if (Number.isNaN(expiresAtMs)) {
      throw new CodedError('internal', `The server sent an invalid token expiry: ${pair.expiresAt}`);
    }
    const now = this.now();
    const margin = Math.min(this.options.refreshMarginMs ?? 60_000, Math.max(0, (expiresAtMs - now) / 2));
    const current: Current = {
      accessToken: pair.accessToken,
      expiresAtMs,
      refreshAtMs: expiresAtMs - margin,
      refreshToken: pair.refreshToken,
      state: { accessToken: pair.accessToken, expiresAt: pair.expiresAt, user: pair.user },
    };
    const account = credentialAccount(pair.user.username, this.profileUrl);
    // Someone else signed in on this profile: the previous user's token must not linger.
    if (this.account && this.account !== account) await this.forgetStoredToken();
    this.account = account;
    try {
      await this.vault.update(account, { refreshToken: pair.refreshToken });
    } catch (error) {
      // Without a keychain the sign-in still works; it just will not survive a restart.
      this.options.log?.warn({ error: String(error) }, 'cannot store the refresh token in the keychain');
    }
    this.setCurrent(current);
    this.options.onSignedIn?.(pair.user.username);
    this.scheduleRenewal(current.refreshAtMs - now);
    return current;
  }

  private scheduleRenewal(delayMs: number): void {
    const timers = this.options.timers;
    this.cancelRenewal();
    if (!timers || this.disposed) return;
    this.renewal = timers.setTimeout(
      () => {
        this.renewal = null;
        void this.renewInBackground();
      },
      Math.max(0, delayMs),
    );
  }

  private cancelRenewal(): void {
    if (this.renewal !== null) this.options.timers?.clearTimeout(this.renewal);
    this.renewal = null;
  }

  /**
   * A refused renewal signs out (the listeners then ask the user to sign in again, or local mode
   * signs in by itself); an unreachable server is retried, since the refresh token may outlive it.
   */
  private async renewInBackground(): Promise<void> {
    const current = this.current;
    if (!current || this.disposed) return;
    try {
      const renewed = await this.refreshWith(current.refreshToken);
      if (!renewed && this.options.profile.mode === 'local' && !this.disposed) await this.loginLocal();
    } catch (error) {
      if (this.disposed || !this.current) return;
      this.options.log?.warn({ error: String(error) }, 'background token renewal failed; retrying');
      this.scheduleRenewal(this.options.renewalRetryMs ?? 30_000);
    }
  }

  private async forgetStoredToken(): Promise<void> {
    if (!this.account) return;
    try {
      await this.vault.update(this.account, { refreshToken: null });
    } catch (error) {
      this.options.log?.warn({ error: String(error) }, 'cannot delete the refresh token from the keychain');
    }
  }

  private setCurrent(next: Current | null): void {
    const before = this.current?.state ?? null;
    this.current = next;
    if (!next) this.cancelRenewal();
    const after = next?.state ?? null;
    if (before === after) return;
    for (const listener of [...this.listeners]) listener(after);
  }
}
