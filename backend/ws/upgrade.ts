import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { WebSocketServer } from 'ws';
import { API_PREFIX, matchPath, type WsRoutes, wsRoutes } from '../../protocol';
import type { AgentHub } from '../agents/hub';
import type { AgentRegistry } from '../agents/registry';
import type { AuthService } from '../auth/service';
import type { EventHub } from '../events/hub';
import { agentSockets } from './agent-sockets';
import { eventsSocket } from './events-socket';
import { originAllowed, reject, type UpgradeRequest } from './reject';
import { type VncSocketDeps, vncSocket } from './vnc-socket';

export interface UpgradeDeps extends VncSocketDeps {
  auth: AuthService;
  agents: AgentRegistry;
  hub: AgentHub;
  events: EventHub;
  allowedOrigins: readonly string[];
  logger: Logger;
}

type Handler = (request: UpgradeRequest) => Promise<void>;

/**
 * Routes each WebSocket upgrade to its domain's handler by the protocol's socket routes. Agents
 * authenticate with their token; browser sockets (events, vnc) must come from an allowed origin.
 */
export function createUpgradeHandler(deps: UpgradeDeps) {
  const agents = agentSockets(deps);
  const events = eventsSocket(deps);
  const vnc = vncSocket(deps);
  const handlers: Record<keyof WsRoutes, Handler> = {
    agentConnect: agents.connect,
    agentTunnel: agents.tunnel,
    events: events.handle,
    vnc: vnc.handle,
  };
  const servers: WebSocketServer[] = [...agents.servers, events.wss, vnc.wss];

  async function handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.startsWith(`${API_PREFIX}/`) ? url.pathname.slice(API_PREFIX.length) : null;
    for (const [name, route] of Object.entries(wsRoutes) as [keyof WsRoutes, WsRoutes[keyof WsRoutes]][]) {
      const params = path === null ? null : matchPath(route.path, path);
      if (!params) continue;
      if (route.auth !== 'agent' && !originAllowed(req, deps.allowedOrigins)) {
        return reject(socket, 403, 'origin not allowed');
      }
      return handlers[name]({ req, socket, head, params, url });
    }
    reject(socket, 404, 'no WebSocket endpoint here');
  }

  return {
    handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      socket.on('error', () => socket.destroy());
      handle(req, socket, head).catch((err: unknown) => {
        deps.logger.error({ err }, 'upgrade failed');
        if (!socket.destroyed) reject(socket, 400, 'upgrade failed');
      });
    },
    /** Upgraded sockets leave the HTTP server's books, so shutdown has to end them here. */
    closeAll(): void {
      for (const wss of servers) {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
      }
    },
  };
}
