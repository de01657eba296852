import { useCallback, useState } from 'react';
import type { SessionDto } from '../../../protocol';
import { useServices } from '../app/services-context';
import { relaunchSession } from '../sessions/session-commands';

export interface Relaunch {
  run: () => void;
  busy: boolean;
  /** Why the launch failed, or where the new session went if this window could not close. */
  note: string | null;
}

/** Relaunch from a viewer: a new session of the same template, in a window of its own. */
export function useRelaunch(session: SessionDto | undefined): Relaunch {
  const services = useServices();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);

  const run = useCallback(() => {
    if (!session || busy) return;
    setBusy(true);
    setNote(null);
    void (async () => {
      const result = await relaunchSession(services, session);
      if (!result.ok) {
        setNote(result.message);
        setBusy(false);
        return;
      }
      await services.bridge.openSession(result.session.name).catch(() => undefined);
      setBusy(false);
      setNote('The new session opened in another window.');
      // This window showed a session that is over. A browser tab the user opened by hand refuses
      // to close, and then the note above says where the new one went.
      window.close();
    })();
  }, [session, busy, services]);

  return { run, busy, note };
}
