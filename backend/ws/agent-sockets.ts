import type { IncomingMessage } from 'node:http';
import { WebSocketServer } from 'ws';
import { wsRoutes } from '../../protocol';
import type { AgentHub } from '../agents/hub';
import type { AgentRegistry } from '../agents/registry';
import { bearer } from '../http/authenticate';
import type { TunnelBroker } from '../vnc/tunnels';
import { reject, type UpgradeRequest } from './reject';

const CONTROL_MAX_PAYLOAD = 1024 * 1024;
/** Per-frame cap: large enough for RFB updates, small enough that a peer cannot balloon memory. */
const STREAM_MAX_PAYLOAD = 4 * 1024 * 1024;

/** An agent's control socket and its dial-back tunnels, both behind its bearer token. */
export function agentSockets(deps: { agents: AgentRegistry; hub: AgentHub; tunnels: TunnelBroker }) {
  const controlWss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: CONTROL_MAX_PAYLOAD,
  });
  const tunnelWss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: STREAM_MAX_PAYLOAD,
  });

  async function agentOf(req: IncomingMessage) {
    const token = bearer(req.headers.authorization);
    return token ? deps.agents.authenticate(token) : null;
  }

  return {
    servers: [controlWss, tunnelWss],
    async connect({ req, socket, head }: UpgradeRequest): Promise<void> {
      const agent = await agentOf(req);
      if (!agent) return reject(socket, 401, 'invalid agent token');
      controlWss.handleUpgrade(req, socket, head, (ws) => deps.hub.accept(ws, agent));
    },
    async tunnel({ req, socket, head, params }: UpgradeRequest): Promise<void> {
      const agent = await agentOf(req);
      if (!agent) return reject(socket, 401, 'invalid agent token');
      const parsed = wsRoutes.agentTunnel.params.safeParse(params);
      if (!parsed.success) return reject(socket, 404, 'no WebSocket endpoint here');
      const { tunnelId } = parsed.data;
      if (!deps.tunnels.isExpected(tunnelId, agent.id)) return reject(socket, 404, 'no such tunnel');
      tunnelWss.handleUpgrade(req, socket, head, (ws) => {
        if (!deps.tunnels.accept(tunnelId, agent.id, ws)) ws.close(4404, 'no such tunnel');
      });
    },
  };
}
