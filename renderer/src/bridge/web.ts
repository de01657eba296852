import {
  type AuthState,
  createApiClient,
  type DesktopBridge,
  isApiError,
  type LoginRequest,
  type ServerInfo,
  type TokenPair,
} from '../../../protocol';
import { viewerHash } from '../app/routes';
import type { TabSync } from './tab-sync';
import { needsRefresh } from './token-expiry';

export const REFRESH_TOKEN_KEY = 'streamspace.refreshToken';

export interface WebBridgeDeps {
  origin: string;
  fetch: typeof fetch;
  /** sessionStorage in the browser: it survives reloads and is copied into tabs opened with window.open. */
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  openTab: (url: string) => void;
  now: () => number;
  tabSync?: TabSync;
}

export type WebBridge = DesktopBridge;

const toAuthState = (pair: TokenPair): AuthState => ({
  accessToken: pair.accessToken,
  expiresAt: pair.expiresAt,
  user: pair.user,
});

/** Statuses with which the server refuses a refresh token for good, as opposed to failing for now. */
const REJECTED = new Set([400, 401, 403]);

export function createWebBridge(deps: WebBridgeDeps): WebBridge {
  const { storage, tabSync } = deps;
  const server: ServerInfo = { baseUrl: deps.origin, mode: 'headless' };
  // The access token lives in memory only; a reload gets a new one from the refresh token.
  let auth: AuthState | null = null;
  let inflight: Promise<AuthState | null> | null = null;

  const storedRefreshToken = () => storage.getItem(REFRESH_TOKEN_KEY);

  function adopt(pair: TokenPair): AuthState {
    storage.setItem(REFRESH_TOKEN_KEY, pair.refreshToken);
    auth = toAuthState(pair);
    return auth;
  }

  function forget(): void {
    storage.removeItem(REFRESH_TOKEN_KEY);
    auth = null;
  }

  tabSync?.subscribe((message) => {
    const mine = storedRefreshToken();
    if (message.type === 'rotated' && mine === message.previous) {
      storage.setItem(REFRESH_TOKEN_KEY, message.next);
      auth = message.auth;
    } else if (message.type === 'signed-out' && mine === message.refreshToken) {
      forget();
    }
  });

  // Only the public sign-in routes: the access token these produce is what every other call carries.
  const client = createApiClient({ baseUrl: server.baseUrl, fetch: (url, init) => deps.fetch(url, init) });

  const fresh = () => auth !== null && !needsRefresh(auth.expiresAt, deps.now());

  async function rotate(force: boolean): Promise<AuthState | null> {
    const before = storedRefreshToken();
    const run = async (): Promise<AuthState | null> => {
      const current = storedRefreshToken();
      if (!current) {
        auth = null;
        return null;
      }
      // Another tab rotated while this one waited for the lock, and its message already gave us the result.
      if (fresh() && (!force || current !== before)) return auth;
      let pair: TokenPair;
      try {
        pair = await client.refresh({ body: { refreshToken: current } });
      } catch (error) {
        if (isApiError(error) && REJECTED.has(error.status)) {
          forget();
          return null;
        }
        throw error;
      }
      const next = adopt(pair);
      tabSync?.publish({ type: 'rotated', previous: current, next: pair.refreshToken, auth: next });
      return next;
    };
    return tabSync ? tabSync.exclusive(run) : run();
  }

  /** One refresh at a time in this tab: parallel API calls must not each spend the refresh token. */
  function refresh(force: boolean): Promise<AuthState | null> {
    inflight ??= rotate(force).finally(() => {
      inflight = null;
    });
    return inflight;
  }

  async function getAuth(): Promise<AuthState | null> {
    if (fresh()) return auth;
    return refresh(false);
  }

  return {
    kind: 'web',
    getServer: async () => server,
    getAuth,
    async login(request: LoginRequest) {
      return adopt(await client.login({ body: request }));
    },
    async logout() {
      const refreshToken = storedRefreshToken();
      forget();
      if (!refreshToken) return;
      tabSync?.publish({ type: 'signed-out', refreshToken });
      // Revocation is best effort: the token is already gone from this tab either way.
      await client.logout({ body: { refreshToken } }).catch(() => undefined);
    },
    getAccessToken: async () => (await getAuth())?.accessToken ?? null,
    refreshAccessToken: async () => (await refresh(true))?.accessToken ?? null,
    async openSession(name: string) {
      deps.openTab(viewerHash(name));
    },
  };
}
