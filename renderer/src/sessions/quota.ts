import { isActive, isApiError, QuotaExceededDetails, type SessionDto } from '../../../protocol';

/** Sessions that hold one of `user`'s quota slots: every state but terminated and failed, as the server counts. */
export function liveSessionCount(sessions: Iterable<SessionDto>, user: string): number {
  let live = 0;
  for (const session of sessions) if (session.user === user && isActive(session.state)) live++;
  return live;
}

/**
 * The per-user limit a refused launch reveals, or null if the refusal was not the quota. A server
 * that sends no details still tells us the limit is what the user has now.
 */
export function quotaLimitFrom(error: unknown, live: number): number | null {
  if (!isApiError(error) || error.code !== 'quota_exceeded') return null;
  const details = QuotaExceededDetails.safeParse(error.details);
  return details.success ? details.data.limit : live;
}

export function quotaMessage(limit: number): string {
  const sessions = limit === 1 ? '1 session' : `${limit} sessions`;
  return `You have ${sessions}, the most allowed at once. Terminate one to launch another.`;
}

/** Why Launch is off, or null while the user is below a limit the app knows of. */
export function launchBlockedBy(live: number, limit: number | null): string | null {
  return limit !== null && live >= limit ? quotaMessage(limit) : null;
}
