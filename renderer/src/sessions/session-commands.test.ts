import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError, type AuthState, type TemplateDto } from '../../../protocol';
import { useAuth } from '../auth/auth-store';
import { useTemplates } from '../catalog/templates-store';
import { fakeServices, sessionDto } from '../testing/fakes';
import { useNotices } from '../ui/notices-store';
import { launchToastKey } from './launch-outcomes';
import { launchSession, QUOTA_NOTICE, runSessionAction } from './session-commands';
import { useSessions } from './sessions-store';

const NAME = 'ada-firefox-0123abcd';
const running = sessionDto(NAME, 'running');
const template = { name: 'firefox', displayName: 'Firefox' } as TemplateDto;

beforeEach(() => {
  useSessions.getState().reset();
  useAuth.getState().signedIn({ accessToken: 'A', expiresAt: '', user: { username: 'ada' } } as AuthState);
  useTemplates.setState({ templates: [template], status: 'ready' });
  useNotices.setState({ error: null, toasts: [] });
});

describe('runSessionAction', () => {
  it('opens through the bridge', async () => {
    const { services, bridge, api } = fakeServices();
    await expect(runSessionAction(services, 'open', running)).resolves.toBe(true);
    expect(bridge.openSession).toHaveBeenCalledWith(NAME);
    expect(api.viewerTicket).not.toHaveBeenCalled();
  });

  it.each([
    ['hibernate', 'hibernateSession', 'hibernating'],
    ['wake', 'wakeSession', 'waking'],
    ['terminate', 'terminateSession', 'terminating'],
  ] as const)('%s calls %s and stores the answer', async (action, route, state) => {
    const { services, api } = fakeServices();
    api[route].mockResolvedValueOnce({
      commandId: 'c1',
      session: sessionDto(NAME, state, { updatedAt: '2025-01-01T12:00:01.000Z' }),
    });
    await expect(runSessionAction(services, action, running)).resolves.toBe(true);
    expect(api[route]).toHaveBeenCalledWith({ params: { name: NAME } });
    expect(useSessions.getState().byName[NAME]?.session.state).toBe(state);
  });

  it('clears a stale error and the launch toast once an action worked', async () => {
    const { services } = fakeServices();
    useNotices.getState().reportError('session-action', 'old');
    useNotices.getState().toast({ tone: 'success', message: 'ready', key: launchToastKey(NAME) });
    await runSessionAction(services, 'open', running);
    expect(useNotices.getState().error).toBeNull();
    expect(useNotices.getState().toasts).toEqual([]);
  });

  it('reports a refusal in the banner instead of throwing', async () => {
    const { services, api } = fakeServices();
    api.hibernateSession.mockRejectedValueOnce(new ApiError(409, 'conflict', 'The session is not running.'));
    await expect(runSessionAction(services, 'hibernate', running)).resolves.toBe(false);
    expect(useNotices.getState().error).toEqual({
      source: 'session-action',
      message: `Could not hibernate ${NAME}. The session is not running.`,
    });
  });
});

describe('launchSession', () => {
  it('creates the session, remembers the launch and says it is starting', async () => {
    const { services, api } = fakeServices();
    api.createSession.mockResolvedValueOnce(sessionDto(NAME, 'pending'));
    await expect(launchSession(services, template)).resolves.toMatchObject({
      ok: true,
      session: { name: NAME },
    });
    expect(api.createSession).toHaveBeenCalledWith({ body: { template: 'firefox' } });
    expect(useSessions.getState().byName[NAME]?.session.state).toBe('pending');
    expect(useSessions.getState().launched).toEqual([NAME]);
    expect(useNotices.getState().toasts).toMatchObject([
      { tone: 'info', message: 'Starting Firefox…', key: launchToastKey(NAME) },
    ]);
  });

  it('reports a failed launch with a friendly reason', async () => {
    const { services, api } = fakeServices();
    api.createSession.mockRejectedValueOnce(new ApiError(0, 'network', 'Cannot reach http://x'));
    await expect(launchSession(services, template)).resolves.toEqual({
      ok: false,
      message: 'Could not launch Firefox. Cannot reach the server. Check your connection and try again.',
    });
    expect(useNotices.getState().error?.message).toBe(
      'Could not launch Firefox. Cannot reach the server. Check your connection and try again.',
    );
    expect(useSessions.getState().launched).toEqual([]);
  });
});

describe('at the quota', () => {
  const quotaRefusal = new ApiError(
    403,
    'quota_exceeded',
    'you already have 2 sessions, the most allowed; terminate one to start another',
    { limit: 2, live: 2 },
  );

  it('says so in a sentence, remembers the limit, and keeps it apart from other launch errors', async () => {
    const { services, api } = fakeServices();
    api.createSession.mockRejectedValueOnce(quotaRefusal);
    const result = await launchSession(services, template);
    expect(result).toEqual({
      ok: false,
      message: 'You have 2 sessions, the most allowed at once. Terminate one to launch another.',
    });
    expect(useNotices.getState().error).toEqual({
      source: QUOTA_NOTICE,
      message: result.ok ? '' : result.message,
    });
    expect(useSessions.getState().quotaLimit).toBe(2);
  });

  it('clears the quota banner once a launch goes through', async () => {
    const { services, api } = fakeServices();
    useNotices.getState().reportError(QUOTA_NOTICE, 'at the quota');
    api.createSession.mockResolvedValueOnce(sessionDto(NAME, 'pending'));
    await launchSession(services, template);
    expect(useNotices.getState().error).toBeNull();
  });
});

describe('relaunch', () => {
  it('starts a new session of the same template', async () => {
    const { services, api } = fakeServices();
    const next = sessionDto('ada-firefox-89abcdef', 'pending');
    api.createSession.mockResolvedValueOnce(next);
    await expect(runSessionAction(services, 'relaunch', sessionDto(NAME, 'failed'))).resolves.toBe(true);
    expect(api.createSession).toHaveBeenCalledWith({ body: { template: 'firefox' } });
    expect(useSessions.getState().byName[next.name]?.session.state).toBe('pending');
    expect(useNotices.getState().toasts).toMatchObject([{ message: 'Starting Firefox…' }]);
  });
});
