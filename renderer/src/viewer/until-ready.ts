import type { SessionState } from '../../../protocol';
import { api } from '../app/services';
import { refetchSessions } from '../events/useLiveSessions';
import { useSessions } from '../sessions/sessions-store';
import { readiness } from './readiness';

export type ReadyOutcome = 'ready' | 'waited' | 'ended' | 'failed' | 'aborted';

/** Events may be down; polling keeps the wait from hanging on a missed transition. */
const POLL_MS = 3_000;
/** How long to wait for the first session list before trusting the server to know the session. */
const FIRST_LIST_MS = 5_000;
/** The backend wakes a session when a ticket is issued; if it still sleeps after this, ask explicitly. */
const WAKE_NUDGE_MS = 5_000;

/**
 * Resolves once the session can take a VNC connection. 'waited' means time passed, so a ticket
 * fetched before the wait may have expired.
 */
export function untilReady(
  name: string,
  signal: AbortSignal,
  onWaiting: (state: SessionState | undefined) => void,
): Promise<ReadyOutcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    let waited = false;
    let nudged = false;
    let done = false;

    const finish = (outcome: ReadyOutcome) => {
      if (done) return;
      done = true;
      unsubscribe();
      clearInterval(poll);
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = () => finish('aborted');

    const check = () => {
      if (done) return;
      const { loaded, byName } = useSessions.getState();
      const state = byName[name]?.session.state;
      if (!loaded && state === undefined && Date.now() - started < FIRST_LIST_MS) {
        onWaiting(undefined);
        return;
      }
      const verdict = readiness(state);
      if (verdict === 'wait') {
        waited = true;
        onWaiting(state);
        if (state === 'hibernated' && !nudged && Date.now() - started > WAKE_NUDGE_MS) {
          nudged = true;
          // A 409 here only means the wake is already under way.
          api.wakeSession(name).then(
            (answer) => useSessions.getState().upsert(answer.session),
            () => undefined,
          );
        }
        return;
      }
      finish(verdict === 'connect' ? (waited ? 'waited' : 'ready') : verdict);
    };

    const unsubscribe = useSessions.subscribe(check);
    const poll = setInterval(() => {
      check();
      if (!done) void refetchSessions();
    }, POLL_MS);
    signal.addEventListener('abort', onAbort);
    check();
  });
}
