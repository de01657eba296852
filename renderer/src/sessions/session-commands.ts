import type { SessionDto, TemplateDto } from '../../../protocol';
import { describeError } from '../api/errors';
import type { Services } from '../app/services';
import { useAuth } from '../auth/auth-store';
import { useTemplates } from '../catalog/templates-store';
import { useNotices } from '../ui/notices-store';
import { launchToastKey } from './launch-outcomes';
import { liveSessionCount, quotaLimitFrom, quotaMessage } from './quota';
import type { RowAction } from './session-actions';
import { useSessions } from './sessions-store';

/** The banner source of a refused launch at the quota. */
export const QUOTA_NOTICE = 'quota';

async function send(services: Services, action: RowAction, session: SessionDto): Promise<void> {
  const { api, bridge } = services;
  const name = session.name;
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
    case 'relaunch': {
      // launchSession reports its own failure; nothing more to say here.
      await relaunchSession(services, session);
      return;
    }
  }
}

/** Runs a row action; failures land in the app's error banner rather than as unhandled rejections. */
export async function runSessionAction(
  services: Services,
  action: RowAction,
  session: SessionDto,
): Promise<boolean> {
  try {
    await send(services, action, session);
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

/** What a launch needs of a template: the catalog's entry, or just the name a session carries. */
export type TemplateRef = Pick<TemplateDto, 'name' | 'displayName'>;

export type LaunchResult = { ok: true; session: SessionDto } | { ok: false; message: string };

/** The catalog's entry for a session's template, or its bare name before the catalog has loaded. */
export function templateOf(session: Pick<SessionDto, 'template'>): TemplateRef {
  const known = useTemplates.getState().templates.find((t) => t.name === session.template);
  return known ?? { name: session.template, displayName: session.template };
}

function launchFailed(template: TemplateRef, error: unknown): string {
  const user = useAuth.getState().auth?.user.username ?? '';
  const sessions = useSessions.getState();
  const live = liveSessionCount(
    Object.values(sessions.byName).map((entry) => entry.session),
    user,
  );
  const limit = quotaLimitFrom(error, live);
  if (limit === null) {
    const message = `Could not launch ${template.displayName}. ${describeError(error)}`;
    useNotices.getState().reportError('launch', message);
    return message;
  }
  // Kept apart from other launch errors: it clears itself once a session ends (useQuotaNotice).
  sessions.setQuotaLimit(limit);
  const message = quotaMessage(limit);
  useNotices.getState().reportError(QUOTA_NOTICE, message);
  return message;
}

/** Starts a session of `template` and remembers it, so the user hears when it is ready. */
export async function launchSession({ api }: Services, template: TemplateRef): Promise<LaunchResult> {
  try {
    const session = await api.createSession({ body: { template: template.name } });
    const sessions = useSessions.getState();
    sessions.upsert(session);
    sessions.markLaunched(session.name);
    useNotices.getState().clearError('launch');
    useNotices.getState().clearError(QUOTA_NOTICE);
    useNotices.getState().toast({
      tone: 'info',
      message: `Starting ${template.displayName}…`,
      key: launchToastKey(session.name),
    });
    return { ok: true, session };
  } catch (error) {
    return { ok: false, message: launchFailed(template, error) };
  }
}

/** A new session of the template of one that failed or ended: what the user means by "again". */
export function relaunchSession(services: Services, session: SessionDto): Promise<LaunchResult> {
  return launchSession(services, templateOf(session));
}
