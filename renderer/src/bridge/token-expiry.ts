/** Refresh this long before expiry so a token never dies between being handed out and being used. */
export const REFRESH_MARGIN_MS = 60_000;

/** Whether an access token expiring at `expiresAt` (ISO 8601) must be refreshed before use. */
export function needsRefresh(
  expiresAt: string | null | undefined,
  now: number,
  marginMs: number = REFRESH_MARGIN_MS,
): boolean {
  if (!expiresAt) return true;
  const expiry = Date.parse(expiresAt);
  // An unreadable expiry is treated as expired: refreshing costs one request, a dead token costs a 401.
  if (Number.isNaN(expiry)) return true;
  return expiry - now <= marginMs;
}
