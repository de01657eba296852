import {
  type ApiClient,
  type AuthState,
  createApiClient,
  type LoginRequest,
  type TokenPair,
} from '../protocol';
import { type CredentialStore, LOCAL_ADMIN_PASSWORD_ACCOUNT, refreshTokenAccount } from './credentials';
import { CodedError, coded } from './errors';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

export interface AuthLogger {
  warn(details: object, message: string): void;
}

export interface AuthSessionOptions {
  fetch: FetchLike;
  /** Control-plane base URL without a trailing slash. */
  baseUrl: string;
  profile: { id: string; mode: 'local' | 'remote' };
  credentials: CredentialStore;
  now?: () => number;
  /** Refresh when the access token expires within this long. */
  refreshMarginMs?: number;
  requestTimeoutMs?: number;
  log?: AuthLogger;
}

export const LOCAL_ADMIN_USERNAME = 'admin';

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
  private readonly account: string;
  private readonly api: ApiClient;

  constructor(private readonly options: AuthSessionOptions) {
    this.now = options.now ?? Date.now;
    this.account = refreshTokenAccount(options.profile.id);
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
    const password = await this.options.credentials.get(LOCAL_ADMIN_PASSWORD_ACCOUNT);
    if (!password) {
      throw new CodedError('keychain_unavailable', 'The local admin password is missing from the keychain');
    }
    return this.login({ username: LOCAL_ADMIN_USERNAME, password });
  }

  /** Signs in again from the refresh token in the keychain; null when there is none or it was revoked. */
  async resume(): Promise<AuthState | null> {
    let stored: string | null;
    try {
      stored = await this.options.credentials.get(this.account);
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
        this.setCurrent(null);
        await this.forgetStoredToken();
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
    try {
      await this.options.credentials.set(this.account, pair.refreshToken);
    } catch (error) {
      // Without a keychain the sign-in still works; it just will not survive a restart.
      this.options.log?.warn({ error: String(error) }, 'cannot store the refresh token in the keychain');
    }
    this.setCurrent(current);
    return current;
  }

  private async forgetStoredToken(): Promise<void> {
    try {
      await this.options.credentials.delete(this.account);
    } catch (error) {
      this.options.log?.warn({ error: String(error) }, 'cannot delete the refresh token from the keychain');
    }
  }

  private setCurrent(next: Current | null): void {
    const before = this.current?.state ?? null;
    this.current = next;
    const after = next?.state ?? null;
    if (before === after) return;
    for (const listener of [...this.listeners]) listener(after);
  }
}
