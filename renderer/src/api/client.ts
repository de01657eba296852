import { type ApiClient, ApiError, createApiClient, type DesktopBridge, type Fetch } from '../../../protocol';

export interface RendererApiDeps {
  bridge: DesktopBridge;
  fetch: Fetch;
  /** Told once the client has given up on the sign-in, so the UI can show the login form. */
  onSignedOut: () => void;
}

/** Network failures keep their code across IPC (BridgeError) as well as from fetch (ApiError). */
function isNetworkError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'network';
}

/**
 * The control plane's typed client, wired to the bridge: its server, its access token, one
 * refresh and retry on a 401, and a sign-out through the bridge when the sign-in is gone.
 */
export function createRendererApi({ bridge, fetch, onSignedOut }: RendererApiDeps): ApiClient {
  async function giveUp(): Promise<void> {
    // Logout may fail for the same reason the token did; the user must sign in again either way.
    await bridge.logout().catch(() => undefined);
    onSignedOut();
  }

  return createApiClient({
    baseUrl: async () => (await bridge.getServer()).baseUrl,
    fetch,
    async token() {
      const token = await bridge.getAccessToken();
      if (token) return token;
      // No token at all: there is nothing to send, so sign out without a request.
      await giveUp();
      throw new ApiError(401, 'unauthorized', 'You are signed out.');
    },
    async refresh() {
      try {
        return await bridge.refreshAccessToken();
      } catch (error) {
        // Losing the network mid-refresh is no reason to sign the user out.
        if (isNetworkError(error)) throw error;
        return null;
      }
    },
    onSignedOut: giveUp,
  });
}
