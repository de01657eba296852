import { useEffect } from 'react';
import { SIGNED_OUT_NOTICE } from '../app/services';
import { useServices } from '../app/services-context';
import { useAuth } from '../auth/auth-store';
import { useSessions } from '../sessions/sessions-store';
import { browserSocket, refetchSessions, startLiveSessions } from './live-sessions';

/** While the events socket is down, poll so the list does not silently go stale. */
const POLL_WHILE_OFFLINE_MS = 10_000;

/** Keeps the sessions store in step with the server for as long as the user is signed in. */
export function useLiveSessions(): void {
  const { api, bridge } = useServices();
  useEffect(() => {
    const stop = startLiveSessions({
      api,
      bridge,
      createSocket: browserSocket,
      onSignedOut: () => useAuth.getState().signedOut(SIGNED_OUT_NOTICE),
    });
    return () => {
      stop();
      useSessions.getState().reset();
    };
  }, [api, bridge]);

  const connection = useSessions((s) => s.connection);
  useEffect(() => {
    if (connection === 'live') return;
    const timer = setInterval(() => void refetchSessions(api), POLL_WHILE_OFFLINE_MS);
    return () => clearInterval(timer);
  }, [connection, api]);
}
