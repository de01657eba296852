import type { SessionDto } from '../../../protocol';
import { describeError } from '../api/errors';
import { api, bridge } from '../app/services';
import { useNotices } from '../ui/notices-store';
import { launchToastKey } from './launch-outcomes';
import type { SessionAction } from './session-actions';
import { useSessions } from './sessions-store';

const verbs: Record<SessionAction, string> = {
  open: 'open',
  hibernate: 'hibernate',
  wake: 'wake',
  terminate: 'terminate',
};

async function send(action: SessionAction, name: string): Promise<void> {
  switch (action) {
    case 'open':
      return bridge.openSession(name);
    case 'hibernate':
      return useSessions.getState().upsert((await api.hibernateSession(name)).session);
    case 'wake':
      return useSessions.getState().upsert((await api.wakeSession(name)).session);
    case 'terminate':
      return useSessions.getState().upsert((await api.terminateSession(name)).session);
  }
}

/** Runs a row action; failures land in the app's error banner rather than as unhandled rejections. */
export async function runSessionAction(action: SessionAction, session: SessionDto): Promise<boolean> {
  try {
    await send(action, session.name);
    const notices = useNotices.getState();
    notices.clearError('session-action');
    // Whatever the user did with the session, a "ready, open it?" note about it is now stale.
    notices.dismissToastByKey(launchToastKey(session.name));
    return true;
  } catch (error) {
    useNotices
      .getState()
      .reportError('session-action', `Could not ${verbs[action]} ${session.name}. ${describeError(error)}`);
    return false;
  }
}
