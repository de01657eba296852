import { type ApiClient, createApiClient } from '../protocol';
import type { AuthSession, FetchLike } from './auth-session';

/**
 * The typed control-plane client with main's sign-in behind it: a refused token is refreshed (or,
 * locally, signed in again) once before the call fails.
 */
export function signedInClient(options: { baseUrl: string; fetch: FetchLike; auth: AuthSession }): ApiClient {
  const { auth } = options;
  return createApiClient({
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    timeoutMs: 15_000,
    token: () => auth.accessToken(),
    refresh: () => {
      auth.invalidate();
      return auth.accessToken();
    },
  });
}
