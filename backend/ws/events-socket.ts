import WebSocket, { WebSocketServer } from 'ws';
import { EventsAuth, SIGNED_OUT_CLOSE_CODE } from '../../protocol';
import type { AuthService } from '../auth/service';
import type { EventHub } from '../events/hub';
import { reject, type UpgradeRequest } from './reject';
import { authenticateSocket, closeWithSignIn, keepAlive, PendingSockets } from './socket-guard';

const CONTROL_MAX_PAYLOAD = 1024 * 1024;
const AUTH_TIMEOUT_MS = 10_000;
/** Sockets one address may hold open before sending their auth frame; a browser needs a few. */
export const MAX_UNAUTHENTICATED_PER_ADDRESS = 10;

export interface EventsSocketDeps {
  auth: Pick<AuthService, 'authenticate' | 'revocations'>;
  events: EventHub;
  /** Ping period; tests shorten it. */
  pingIntervalMs?: number;
}

/**
 * /events: pushes the session and agent changes the caller may see, after an auth first frame,
 * for as long as the token it authenticated with holds: a sign-out, a password change, a new
 * role or the token's expiry closes it with SIGNED_OUT_CLOSE_CODE, after an `unauthorized` error
 * frame, so the client refreshes its token before it comes back.
 */
export function eventsSocket(deps: EventsSocketDeps) {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: CONTROL_MAX_PAYLOAD,
  });
  const pending = new PendingSockets(MAX_UNAUTHENTICATED_PER_ADDRESS);

  function refuse(ws: WebSocket, reason: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify({ type: 'error', code: 'unauthorized', message: reason }));
    ws.close(SIGNED_OUT_CLOSE_CODE, reason);
  }

  function accept(ws: WebSocket, authenticated: () => void): void {
    keepAlive(ws, deps.pingIntervalMs);
    let unsubscribe: (() => void) | undefined;
    const timer = setTimeout(
      () => ws.close(SIGNED_OUT_CLOSE_CODE, 'expected an auth frame'),
      AUTH_TIMEOUT_MS,
    );
    ws.once('message', async (data) => {
      clearTimeout(timer);
      try {
        const frame = EventsAuth.safeParse(JSON.parse(data.toString()));
        const result = frame.success
          ? await authenticateSocket(deps.auth, frame.data.token)
          : ({ ok: false, reason: 'unauthorized' } as const);
        authenticated();
        if (!result.ok) {
          refuse(ws, result.reason === 'unauthorized' ? 'invalid or expired token' : result.reason);
          return;
        }
        if (ws.readyState !== WebSocket.OPEN) return;
        const { user, signIn } = result;
        unsubscribe = deps.events.subscribe({
          userId: user.id,
          username: user.username,
          isAdmin: user.role === 'admin',
          send: (event) => {
            if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(event));
          },
        });
        closeWithSignIn(ws, {
          revocations: deps.auth.revocations,
          signIn,
          deadline: { at: signIn.accessExpiresAt, reason: 'token expired' },
          // A promotion ends the socket too: its subscription was filtered by the old role.
          applies: (r) => r.kind !== 'role_changed' || r.role !== user.role,
          beforeClose: (reason) => {
            // Nothing more may reach a socket whose rights have ended, not even a queued event.
            unsubscribe?.();
            if (ws.readyState === WebSocket.OPEN)
              ws.send(JSON.stringify({ type: 'error', code: 'unauthorized', message: reason }));
          },
        });
        ws.send(JSON.stringify({ type: 'ready' }));
        ws.on('message', () =>
          ws.send(
            JSON.stringify({ type: 'error', code: 'invalid_request', message: 'this socket only sends' }),
          ),
        );
      } catch {
        authenticated();
        ws.close(4400, 'invalid auth frame');
      }
    });
    ws.on('close', () => {
      clearTimeout(timer);
      authenticated();
      unsubscribe?.();
    });
    ws.on('error', () => ws.terminate());
  }

  return {
    wss,
    async handle({ req, socket, head }: UpgradeRequest): Promise<void> {
      const release = pending.enter(req.socket.remoteAddress ?? 'unknown');
      if (!release) return reject(socket, 429, 'too many sockets waiting to authenticate from this address');
      // An upgrade ws aborts never reaches accept; the socket's close frees the slot either way.
      socket.once('close', release);
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws, release));
    },
  };
}
