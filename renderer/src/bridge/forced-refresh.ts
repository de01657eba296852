import type { DesktopBridge } from '../../../protocol';

/**
 * Not part of DesktopBridge yet: a 401 on a token that still looked valid (server restarted with a
 * new key, token revoked) needs a refresh that ignores the expiry. Bridges without it fall back to
 * getAccessToken, which at least refreshes a token that has in fact expired.
 */
export interface ForcedRefresh {
  refreshAccessToken(): Promise<string | null>;
}

export function forceRefresh(bridge: DesktopBridge): Promise<string | null> {
  const candidate = bridge as DesktopBridge & Partial<ForcedRefresh>;
  if (typeof candidate.refreshAccessToken === 'function') return candidate.refreshAccessToken();
  return bridge.getAccessToken();
}
