import { useEffect } from 'react';
import { describeError, isApiError } from '../api/errors';
import { api, bridge, SIGNED_OUT_NOTICE } from '../app/services';
import { useAuth } from '../auth/auth-store';
import { useSessions } from '../sessions/sessions-store';
import { useNotices } from '../ui/notices-store';
import { connectEvents } from './events-client';

/** While the events socket is down, poll so the list does not silently go stale. */
const POLL_WHILE_OFFLINE_MS = 10_000;

export async function refetchSessions(): Promise<void> {
  const requestedAt = Date.now();
  try {
    const { sessions } = await api.listSessions();
    useSessions.getState().replace(sessions, requestedAt);
    useNotices.getState().clearError('sessions');
  } catch (error) {
    // A 401 already sent the user to the login form; a banner on top would only confuse.
    if (isApiError(error) && error.status === 401) return;
    useNotices.getState().reportError('sessions', `Could not load your sessions. ${describeError(error)}`);
  }
}

/** Keeps the sessions store in step with the server for as long as the user is signed in. */
export function useLiveSessions(): void {
  useEffect(() => {
    const store = useSessions.getState();
    void refetchSessions();
    const stop = connectEvents({
      bridge,
      onReady: () => void refetchSessions(),
      onStatus: (status) => store.setConnection(status),
      onSignedOut: () => useAuth.getState().signedOut(SIGNED_OUT_NOTICE),
      onEvent: (event) => {
        if (event.type === 'session') useSessions.getState().upsert(event.session);
      },
    });
    return () => {
      stop();
      useSessions.getState().reset();
    };
  }, []);

  const connection = useSessions((s) => s.connection);
  useEffect(() => {
    if (connection === 'live') return;
    const timer = setInterval(() => void refetchSessions(), POLL_WHILE_OFFLINE_MS);
    return () => clearInterval(timer);
  }, [connection]);
}
