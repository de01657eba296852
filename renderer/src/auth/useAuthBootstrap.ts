import { useEffect } from 'react';
import { describeError } from '../api/errors';
import { useServices } from '../app/services-context';
import { useAuth } from './auth-store';

/**
 * Follows main's sign-in pushes: a renewed token replaces the one the page holds, and a sign-out
 * (renewal refused, or signed out from elsewhere) shows the sign-in screen at once rather than at
 * the next failed call.
 */
export function useAuthPushes(): void {
  const { bridge } = useServices();
  useEffect(() => {
    const { subscribe } = bridge;
    if (!subscribe) return;
    const offs = [
      subscribe('auth:renewed', (auth) => {
        const { status, auth: current } = useAuth.getState();
        // Only a page that is signed in as that user takes it; the login form does its own sign-in.
        if (status === 'signed-in' && current?.user.id === auth.user.id) useAuth.getState().signedIn(auth);
      }),
      subscribe('auth:signed-out', () => {
        if (useAuth.getState().status === 'signed-in')
          useAuth.getState().signedOut('Your sign-in has ended. Sign in again to continue.');
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [bridge]);
}

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
