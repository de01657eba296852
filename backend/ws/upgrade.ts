import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import WebSocket, { WebSocketServer } from 'ws';
import { AGENT_CONNECT_PATH, type ErrorCode, EventsAuth, SessionName, VncQuery } from '../../protocol';
import type { AgentHub } from '../agents/hub';
import type { AgentRegistry } from '../agents/registry';
import type { AuthService } from '../auth/service';
import type { EventHub } from '../events/hub';
import { bearer } from '../http/authenticate';
import type { Metrics } from '../ops/metrics';
import type { SessionService } from '../sessions/service';
import type { SessionStore } from '../sessions/store';
import { pipeWebSockets } from '../vnc/pipe';
import type { TicketBook } from '../vnc/tickets';
import type { TunnelBroker } from '../vnc/tunnels';

export interface UpgradeDeps {
  auth: AuthService;
  agents: AgentRegistry;
  hub: AgentHub;
  events: EventHub;
  sessions: SessionService;
  store: SessionStore;
  tickets: TicketBook;
  tunnels: TunnelBroker;
  metrics: Metrics;
  allowedOrigins: readonly string[];
  logger: Logger;
  /** How long a viewer of a waking or starting session waits for it to run. */
  viewerWaitMs: number;
}

/** Per-frame cap: large enough for RFB updates, small enough that a peer cannot balloon memory. */
const MAX_PAYLOAD = 4 * 1024 * 1024;
const CONTROL_MAX_PAYLOAD = 1024 * 1024;
const STREAM_HIGH_WATER = 256 * 1024;

const STATUS: Record<number, { text: string; code: ErrorCode }> = {
  400: { text: 'Bad Request', code: 'invalid_request' },
  401: { text: 'Unauthorized', code: 'unauthorized' },
  403: { text: 'Forbidden', code: 'forbidden' },
  404: { text: 'Not Found', code: 'not_found' },
  409: { text: 'Conflict', code: 'conflict' },
};

/** Refuses an upgrade with a plain HTTP answer in the API's error shape, before any WebSocket exists. */
function reject(socket: Duplex, status: keyof typeof STATUS, message: string): void {
  const s = STATUS[status] ?? { text: 'Bad Request', code: 'invalid_request' };
  const body = JSON.stringify({ error: { code: s.code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${s.text}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Browsers send Origin on WebSockets; only the page's own origin and configured app origins may connect. */
export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function createUpgradeHandler(deps: UpgradeDeps) {
  const viewerWss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: MAX_PAYLOAD,
  });
  const controlWss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: CONTROL_MAX_PAYLOAD,
  });
  const tunnelWss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: MAX_PAYLOAD,
  });
  const log = deps.logger;

  async function agentFromRequest(req: IncomingMessage) {
    const token = bearer(req.headers.authorization);
    return token ? deps.agents.authenticate(token) : null;
  }

  async function handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;

    if (path === AGENT_CONNECT_PATH) {
      const agent = await agentFromRequest(req);
      if (!agent) return reject(socket, 401, 'invalid agent token');
      controlWss.handleUpgrade(req, socket, head, (ws) => deps.hub.accept(ws, agent));
      return;
    }

    const tunnel = /^\/api\/v1\/agents\/tunnels\/([A-Za-z0-9-]{1,100})$/.exec(path);
    if (tunnel) {
      const agent = await agentFromRequest(req);
      if (!agent) return reject(socket, 401, 'invalid agent token');
      const tunnelId = tunnel[1] ?? '';
      if (!deps.tunnels.isExpected(tunnelId, agent.id)) return reject(socket, 404, 'no such tunnel');
      tunnelWss.handleUpgrade(req, socket, head, (ws) => {
        if (!deps.tunnels.accept(tunnelId, agent.id, ws)) ws.close(4404, 'no such tunnel');
      });
      return;
    }

    if (!originAllowed(req, deps.allowedOrigins)) return reject(socket, 403, 'origin not allowed');

    if (path === '/api/v1/events') {
      controlWss.handleUpgrade(req, socket, head, (ws) => acceptEvents(ws));
      return;
    }

    const vnc = /^\/api\/v1\/sessions\/([^/]+)\/vnc$/.exec(path);
    if (vnc) {
      const name = SessionName.safeParse(decodeURIComponent(vnc[1] ?? ''));
      const query = VncQuery.safeParse(Object.fromEntries(url.searchParams));
      if (!name.success || !query.success)
        return reject(socket, 400, 'expected /sessions/<name>/vnc?ticket=<ticket>');
      const grant = deps.tickets.consume(query.data.ticket, name.data);
      if (!grant) return reject(socket, 401, 'viewer ticket is invalid, expired or already used');
      const session = await deps.store.get(name.data);
      if (!session || session.userId !== grant.userId) return reject(socket, 404, 'no such session');
      if (['terminating', 'terminated', 'failed'].includes(session.state)) {
        return reject(socket, 409, `session is ${session.state}`);
      }
      viewerWss.handleUpgrade(req, socket, head, (ws) => void acceptViewer(ws, name.data));
      return;
    }
    reject(socket, 404, 'no WebSocket endpoint here');
  }

  function acceptEvents(ws: WebSocket): void {
    let unsubscribe: (() => void) | undefined;
    const timer = setTimeout(() => ws.close(4401, 'expected an auth frame'), 10_000);
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

  async function waitForRunning(name: string): Promise<string | null> {
    const deadline = Date.now() + deps.viewerWaitMs;
    for (;;) {
      const s = await deps.store.get(name);
      if (!s) return 'session is gone';
      if (s.state === 'running') return null;
      if (['terminating', 'terminated', 'failed'].includes(s.state)) return `session is ${s.state}`;
      if (Date.now() > deadline) return `session did not start in time (${s.state})`;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function acceptViewer(viewer: WebSocket, name: string): Promise<void> {
    deps.sessions.viewerOpened(name);
    deps.metrics.vncConnections.inc();
    // Nothing may be read from the viewer until the agent side exists to take it.
    viewer.pause();
    let closed = false;
    viewer.on('close', () => {
      closed = true;
      deps.metrics.vncConnections.dec();
      void deps.sessions
        .viewerClosed(name)
        .catch((err: unknown) => log.warn({ err }, 'could not record viewer close'));
    });
    viewer.on('error', () => viewer.terminate());
    try {
      const problem = await waitForRunning(name);
      if (problem) throw new Error(problem);
      const session = await deps.store.get(name);
      if (!session?.agentId) throw new Error('session has no agent');
      const agentSide = await deps.tunnels.open(session.agentId, name);
      if (closed) {
        agentSide.close();
        return;
      }
      pipeWebSockets(viewer, agentSide, {
        highWaterMark: STREAM_HIGH_WATER,
        onBytes: (direction, n) => deps.metrics.vncBytes.inc({ direction }, n),
      });
      viewer.resume();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.info({ session: name, reason: message }, 'viewer could not be connected');
      if (viewer.readyState === WebSocket.OPEN) viewer.close(4503, message.slice(0, 120));
    }
  }

  return {
    handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      socket.on('error', () => socket.destroy());
      handle(req, socket, head).catch((err: unknown) => {
        log.error({ err }, 'upgrade failed');
        if (!socket.destroyed) reject(socket, 400, 'upgrade failed');
      });
    },
    /** Upgraded sockets leave the HTTP server's books, so shutdown has to end them here. */
    closeAll(): void {
      for (const wss of [viewerWss, controlWss, tunnelWss]) {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
      }
    },
  };
}
