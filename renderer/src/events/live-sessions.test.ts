import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type EventsSocketHandlers } from '../../../protocol';
import { useSessions } from '../sessions/sessions-store';
import { fakeServices, sessionDto } from '../testing/fakes';
import { useNotices } from '../ui/notices-store';
import { refetchSessions, startLiveSessions } from './live-sessions';

const NAME = 'ada-firefox-0123abcd';
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  useSessions.getState().reset();
  useNotices.setState({ error: null, toasts: [] });
});
afterEach(() => vi.useRealTimers());

describe('live sessions', () => {
  it('lists, authenticates the events socket with the first frame, relists on ready and applies pushes', async () => {
    const { services, api } = fakeServices();
    api.listSessions.mockResolvedValue({ sessions: [sessionDto(NAME, 'starting')] });
    const sockets: { url: string; handlers: EventsSocketHandlers; sent: string[] }[] = [];
    const stop = startLiveSessions({
      ...services,
      onSignedOut: vi.fn(),
      createSocket: (url, handlers) => {
        const socket = { url, handlers, sent: [] as string[] };
        sockets.push(socket);
        return { send: (data) => void socket.sent.push(data), close: vi.fn() };
      },
    });
    await flush();
    expect(useSessions.getState().byName[NAME]?.session.state).toBe('starting');
    const socket = sockets[0];
    expect(socket?.url).toMatch(/^ws:\/\/api\.test\/.*\/events$/);
    socket?.handlers.onOpen();
    expect(socket?.sent.map((s) => JSON.parse(s))).toEqual([{ type: 'auth', token: 'A' }]);
    socket?.handlers.onMessage(JSON.stringify({ type: 'ready' }));
    expect(useSessions.getState().connection).toBe('live');
    expect(api.listSessions).toHaveBeenCalledTimes(2);
    const running = sessionDto(NAME, 'running', { updatedAt: '2025-01-01T12:00:05.000Z' });
    socket?.handlers.onMessage(JSON.stringify({ type: 'session', session: running }));
    expect(useSessions.getState().byName[NAME]?.session.state).toBe('running');
    stop();
  });

  it('reports a failed list, but not a sign-out', async () => {
    const { api } = fakeServices();
    api.listSessions.mockRejectedValueOnce(new ApiError(401, 'unauthorized', 'no'));
    await refetchSessions(api);
    expect(useNotices.getState().error).toBeNull();
    api.listSessions.mockRejectedValueOnce(new ApiError(0, 'network', 'down'));
    await refetchSessions(api);
    expect(useNotices.getState().error?.message).toMatch(/^Could not load your sessions\. Cannot reach/);
  });
});
