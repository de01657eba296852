import type { Logger } from 'pino';
import WebSocket, { WebSocketServer } from 'ws';
import { canPerform, SessionName, VncQuery } from '../../protocol';
import { createRelayReader, relayStream } from '../../protocol/lib/stream-relay';
import type { SessionRevocations, SignIn } from '../auth/revocations';
import type { Metrics } from '../ops/metrics';
import type { SessionService } from '../sessions/service';
import type { SessionStore } from '../sessions/store';
import { canView } from '../vnc/access';
import type { LocalStreams } from '../vnc/local-streams';
import { pipeWebSockets } from '../vnc/pipe';
import type { TicketBook } from '../vnc/tickets';
import type { TunnelBroker } from '../vnc/tunnels';
import { WaitingViewers } from '../vnc/waiting-viewers';
import { reject, type UpgradeRequest } from './reject';
import { closeWithSignIn, keepAlive } from './socket-guard';

/** Per-frame cap: large enough for RFB updates, small enough that a peer cannot balloon memory. */
const MAX_PAYLOAD = 4 * 1024 * 1024;
const STREAM_HIGH_WATER = 256 * 1024;

export interface VncSocketDeps {
  sessions: SessionService;
  store: SessionStore;
  tickets: TicketBook;
  tunnels: TunnelBroker;
  metrics: Metrics;
  logger: Logger;
  /** How long a viewer of a starting, waking or hibernated session waits for it to run. */
  viewerWaitMs: number;
  /** Only its revocations: a viewer ends with the sign-in that asked for its ticket. */
  auth: { revocations: SessionRevocations };
  /** Ping period; tests shorten it. */
  pingIntervalMs?: number;
  /** The in-process agent's streams (the local stack): its sessions are viewed in one hop. */
  localStreams?: LocalStreams;
}

/**
 * /sessions/:name/vnc: the viewer's binary RFB stream. The socket is accepted at once and held,
 * reading nothing, until the session runs (woken if it was hibernated); then it is piped to the
 * session's stream: straight to the runtime's when the agent runs in this process, else through
 * the tunnel the agent dials back. One ticket, one wait, in one place.
 */
export function vncSocket(deps: VncSocketDeps) {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_PAYLOAD });
  const log = deps.logger;
  const waitingViewers = new WaitingViewers();

  async function accept(viewer: WebSocket, name: string, userId: string, signIn: SignIn): Promise<void> {
    keepAlive(viewer, deps.pingIntervalMs);
    // A role change leaves viewing alone: only the owner may view, whatever their role.
    closeWithSignIn(viewer, {
      revocations: deps.auth.revocations,
      signIn,
      deadline: { at: signIn.signInExpiresAt, reason: 'sign-in expired' },
      applies: (r) => r.kind !== 'role_changed',
      // A viewer still held for its session reads nothing, not even the close handshake's answer.
      beforeClose: () => viewer.resume(),
    });
    const touch = () =>
      deps.sessions
        .markInUse(name)
        .catch((err: unknown) => log.warn({ err }, 'could not record the viewer’s use of the session'));
    void touch();
    deps.metrics.vncConnections.inc();
    // Nothing may be read from the viewer until the agent side exists to take it.
    viewer.pause();
    const gone = new AbortController();
    viewer.on('close', () => {
      gone.abort();
      deps.metrics.vncConnections.dec();
      void touch();
    });
    viewer.on('error', () => viewer.terminate());
    try {
      const release = waitingViewers.enter(userId);
      if (!release)
        throw new Error('too many viewers are waiting for your sessions; close some and try again');
      const problem = await deps.sessions
        .readyForViewer(userId, name, deps.viewerWaitMs, gone.signal)
        .finally(release);
      if (gone.signal.aborted) return;
      if (problem) throw new Error(problem);
      const session = await deps.store.get(name);
      if (!session?.agentId) throw new Error('session has no agent');
      const onBytes = (direction: 'down' | 'up', n: number) => deps.metrics.vncBytes.inc({ direction }, n);
      const local = deps.localStreams;
      if (local?.serves(session.agentId)) {
        const reader = createRelayReader();
        const stream = await local.open(name, reader);
        if (gone.signal.aborted) {
          stream.destroy();
          return;
        }
        // The agent's tunnel would report a failing stream as 1011 for us to pass on as 4502.
        relayStream(viewer, stream, { failureCode: 4502, reader, onBytes });
      } else {
        const agentSide = await deps.tunnels.open(session.agentId, name);
        if (gone.signal.aborted) {
          agentSide.close();
          return;
        }
        pipeWebSockets(viewer, agentSide, { highWaterMark: STREAM_HIGH_WATER, onBytes });
      }
      viewer.resume();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.info({ session: name, reason: message }, 'viewer could not be connected');
      if (viewer.readyState === WebSocket.OPEN) viewer.close(4503, message.slice(0, 120));
    }
  }

  return {
    wss,
    async handle({ req, socket, head, params, url }: UpgradeRequest): Promise<void> {
      const name = SessionName.safeParse(params.name);
      const query = VncQuery.safeParse(Object.fromEntries(url.searchParams));
      if (!name.success || !query.success)
        return reject(socket, 400, 'expected /sessions/<name>/vnc?ticket=<ticket>');
      const grant = deps.tickets.consume(query.data.ticket, name.data);
      if (!grant) return reject(socket, 401, 'viewer ticket is invalid, expired or already used');
      const session = await deps.store.get(name.data);
      if (!session) return reject(socket, 404, 'no such session');
      if (!canView({ id: grant.userId }, session))
        return reject(socket, 403, 'only the owner of a session may view it');
      if (!canPerform(session.state, 'open')) return reject(socket, 409, `session is ${session.state}`);
      // Checked after the last await, so nothing can revoke it unseen before accept watches it.
      if (deps.auth.revocations.ended(grant.signIn)) return reject(socket, 401, 'the sign-in has ended');
      wss.handleUpgrade(req, socket, head, (ws) => void accept(ws, name.data, grant.userId, grant.signIn));
    },
  };
}
