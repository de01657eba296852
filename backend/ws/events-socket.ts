import WebSocket, { WebSocketServer } from 'ws';
import { EventsAuth } from '../../protocol';
import type { AuthService } from '../auth/service';
import type { EventHub } from '../events/hub';
import type { UpgradeRequest } from './reject';

const CONTROL_MAX_PAYLOAD = 1024 * 1024;
const AUTH_TIMEOUT_MS = 10_000;

/** /events: pushes the session and agent changes the caller may see, after an auth first frame. */
export function eventsSocket(deps: { auth: AuthService; events: EventHub }) {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: CONTROL_MAX_PAYLOAD,
  });

  function accept(ws: WebSocket): void {
    let unsubscribe: (() => void) | undefined;
    const timer = setTimeout(() => ws.close(4401, 'expected an auth frame'), AUTH_TIMEOUT_MS);
    ws.once('message', async (data) => {
      clearTimeout(timer);
      try {
        const frame = EventsAuth.safeParse(JSON.parse(data.toString()));
        const user = frame.success ? await deps.auth.authenticate(frame.data.token) : null;
        if (!user) {
          ws.send(
            JSON.stringify({ type: 'error', code: 'unauthorized', message: 'invalid or expired token' }),
          );
          ws.close(4401, 'unauthorized');
          return;
        }
        if (ws.readyState !== WebSocket.OPEN) return;
        unsubscribe = deps.events.subscribe({
          userId: user.id,
          username: user.username,
          isAdmin: user.role === 'admin',
          send: (event) => {
            if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(event));
          },
        });
        ws.send(JSON.stringify({ type: 'ready' }));
        ws.on('message', () =>
          ws.send(
            JSON.stringify({ type: 'error', code: 'invalid_request', message: 'this socket only sends' }),
          ),
        );
      } catch {
        ws.close(4400, 'invalid auth frame');
      }
    });
    ws.on('close', () => {
      clearTimeout(timer);
      unsubscribe?.();
    });
    ws.on('error', () => ws.terminate());
  }

  return {
    wss,
    async handle({ req, socket, head }: UpgradeRequest): Promise<void> {
      wss.handleUpgrade(req, socket, head, accept);
    },
  };
}
