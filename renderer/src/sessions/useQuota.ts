import { useEffect } from 'react';
import { useAuth } from '../auth/auth-store';
import { useNotices } from '../ui/notices-store';
import { launchBlockedBy, liveSessionCount } from './quota';
import { QUOTA_NOTICE } from './session-commands';
import { useSessions } from './sessions-store';

/** How many of the signed-in user's sessions hold a quota slot, from the live sessions store. */
function useLiveCount(): number {
  const user = useAuth((s) => s.auth?.user.username);
  return useSessions((s) =>
    user
      ? liveSessionCount(
          Object.values(s.byName).map((entry) => entry.session),
          user,
        )
      : 0,
  );
}

/** Why Launch is off (the quota, once known, is reached), or null. */
export function useLaunchBlocked(): string | null {
  const live = useLiveCount();
  const limit = useSessions((s) => s.quotaLimit);
  return launchBlockedBy(live, limit);
}

/** Clears the quota banner as soon as a session ends and frees a slot. */
export function useQuotaNotice(): void {
  const blocked = useLaunchBlocked() !== null;
  const limit = useSessions((s) => s.quotaLimit);
  useEffect(() => {
    if (limit !== null && !blocked) useNotices.getState().clearError(QUOTA_NOTICE);
  }, [blocked, limit]);
}
