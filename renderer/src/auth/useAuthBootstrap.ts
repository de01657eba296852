import { useEffect } from 'react';
import { describeError } from '../api/errors';
import { useServices } from '../app/services-context';
import { useAuth } from './auth-store';

/** Asks the bridge for the current sign-in whenever the auth store is (re)set to loading. */
export function useAuthBootstrap(): void {
  const { bridge } = useServices();
  const status = useAuth((s) => s.status);
  useEffect(() => {
    if (status !== 'loading') return;
    let cancelled = false;
    bridge.getAuth().then(
      (auth) => {
        if (cancelled) return;
        if (auth) useAuth.getState().signedIn(auth);
        else useAuth.getState().signedOut();
      },
      (error: unknown) => {
        if (!cancelled) useAuth.getState().unavailable(describeError(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [status, bridge]);
}
