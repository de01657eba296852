import {
  type ApiClient,
  apiWebSocketUrl,
  connectEvents,
  type EventsSocket,
  type EventsSocketHandlers,
  isApiError,
} from '../../../protocol';
import { describeError } from '../api/errors';
import type { Services } from '../app/services';
import { useSessions } from '../sessions/sessions-store';
import { useNotices } from '../ui/notices-store';
import { useIdleWarnings } from '../viewer/idle/idle-warnings-store';

/** The browser's WebSocket behind the events client's socket interface. */
export function browserSocket(url: string, handlers: EventsSocketHandlers): EventsSocket {
  const ws = new WebSocket(url);
  ws.onopen = () => handlers.onOpen();
  ws.onmessage = (event) => handlers.onMessage(event.data);
  ws.onclose = (event) => handlers.onClose(event.code);
  return { send: (data) => ws.send(data), close: (code) => ws.close(code) };
}

export async function refetchSessions(api: Pick<ApiClient, 'listSessions'>): Promise<void> {
  const requestedAt = Date.now();
  try {
    const { sessions } = await api.listSessions();
    useSessions.getState().replace(sessions, requestedAt);
    useNotices.getState().clearError('sessions');
  } catch (error) {
    // A 401 already sent the user to the login form; a banner on top would only confuse.
    if (isApiError(error) && error.status === 401) return;
    useNotices.getState().reportError('sessions', `Could not load your sessions. ${describeError(error)}`);
  }
}

export interface LiveSessionsDeps extends Services {
  createSocket: (url: string, handlers: EventsSocketHandlers) => EventsSocket;
  /** The events socket found no token: the sign-in is gone. */
  onSignedOut: () => void;
}

/** Keeps the sessions store in step with the server: one list, then pushed changes, relisted on every reconnect. */
export function startLiveSessions({ api, bridge, createSocket, onSignedOut }: LiveSessionsDeps): () => void {
  void refetchSessions(api);
  return connectEvents({
    url: async () => apiWebSocketUrl((await bridge.getServer()).baseUrl, 'events'),
    token: () => bridge.getAccessToken(),
    refreshToken: () => bridge.refreshAccessToken(),
    createSocket,
    onReady: () => void refetchSessions(api),
    onStatus: (status) => useSessions.getState().setConnection(status),
    onSignedOut,
    onEvent: (event) => {
      if (event.type === 'session') {
        useSessions.getState().upsert(event.session);
        if (event.session.state !== 'running') useIdleWarnings.getState().clear(event.session.name);
      } else if (event.type === 'idle_warning') {
        useIdleWarnings.getState().warn(event.session, event.hibernateAt);
      }
    },
  });
}
