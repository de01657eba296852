import WebSocket from 'ws';
import type { BackendToAgent } from '../../protocol';

/** How the command queue and the tunnel broker reach agents. */
export interface AgentSender {
  send(agentId: string, message: BackendToAgent): boolean;
  isConnected(agentId: string): boolean;
}

interface Live {
  ws: WebSocket;
  activeSessions: number;
}

/**
 * The agents' current control sockets, by agent id: the one place that writes frames to agents.
 * It knows nothing of what the frames mean, so everything that sends can be built before the hub
 * that reads.
 */
export class AgentConnections implements AgentSender {
  private readonly live = new Map<string, Live>();

  /** Makes `ws` the agent's socket; an older one is closed, since only one may speak for an agent. */
  register(agentId: string, ws: WebSocket, activeSessions: number): void {
    const previous = this.live.get(agentId);
    if (previous && previous.ws !== ws) previous.ws.close(4409, 'replaced by a newer connection');
    this.live.set(agentId, { ws, activeSessions });
  }

  /** Forgets the agent if `ws` is still its socket; false when a newer socket took over. */
  unregister(agentId: string, ws: WebSocket): boolean {
    if (this.live.get(agentId)?.ws !== ws) return false;
    this.live.delete(agentId);
    return true;
  }

  get onlineCount(): number {
    return this.live.size;
  }

  isConnected(agentId: string): boolean {
    return this.live.get(agentId)?.ws.readyState === WebSocket.OPEN;
  }

  send(agentId: string, message: BackendToAgent): boolean {
    const c = this.live.get(agentId);
    if (!c || c.ws.readyState !== WebSocket.OPEN) return false;
    c.ws.send(JSON.stringify(message));
    return true;
  }

  setActive(agentId: string, activeSessions: number): void {
    const c = this.live.get(agentId);
    if (c) c.activeSessions = activeSessions;
  }

  /** Live sessions the agent says it runs, from its hello or last heartbeat. */
  reportedActive(agentId: string): number | undefined {
    return this.live.get(agentId)?.activeSessions;
  }

  /** Revocation: the agent's socket goes at once. */
  disconnect(agentId: string, reason: string): void {
    this.live.get(agentId)?.ws.close(4403, reason);
  }

  closeAll(code: number, reason: string): void {
    for (const c of this.live.values()) c.ws.close(code, reason);
  }
}
