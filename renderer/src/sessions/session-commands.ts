import type { SessionDto, TemplateDto } from '../../../protocol';
import { describeError } from '../api/errors';
import type { Services } from '../app/services';
import { useNotices } from '../ui/notices-store';
import { launchToastKey } from './launch-outcomes';
import type { SessionAction } from './session-actions';
import { useSessions } from './sessions-store';

async function send({ api, bridge }: Services, action: SessionAction, name: string): Promise<void> {
  const params = { name };
  switch (action) {
    case 'open':
      return bridge.openSession(name);
    case 'hibernate':
      return useSessions.getState().upsert((await api.hibernateSession({ params })).session);
    case 'wake':
      return useSessions.getState().upsert((await api.wakeSession({ params })).session);
    case 'terminate':
      return useSessions.getState().upsert((await api.terminateSession({ params })).session);
  }
}

/** Runs a row action; failures land in the app's error banner rather than as unhandled rejections. */
export async function runSessionAction(
  services: Services,
  action: SessionAction,
  session: SessionDto,
): Promise<boolean> {
  try {
    await send(services, action, session.name);
    const notices = useNotices.getState();
    notices.clearError('session-action');
    // Whatever the user did with the session, a "ready, open it?" note about it is now stale.
    notices.dismissToastByKey(launchToastKey(session.name));
    return true;
  } catch (error) {
    useNotices
      .getState()
      .reportError('session-action', `Could not ${action} ${session.name}. ${describeError(error)}`);
    return false;
  }
}

/** Starts a session of `template` and remembers it, so the user hears when it is ready. */
export async function launchSession({ api }: Services, template: TemplateDto): Promise<boolean> {
  try {
    const session = await api.createSession({ body: { template: template.name } });
    const sessions = useSessions.getState();
    sessions.upsert(session);
    sessions.markLaunched(session.name);
    useNotices.getState().clearError('launch');
    useNotices.getState().toast({
      tone: 'info',
      message: `Starting ${template.displayName}…`,
      key: launchToastKey(session.name),
    });
    return true;
  } catch (error) {
    useNotices
      .getState()
      .reportError('launch', `Could not launch ${template.displayName}. ${describeError(error)}`);
    return false;
  }
}
