import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import type { BackendToAgent } from '../../protocol';
import type { AgentSender } from '../agents/connections';

interface Pending {
  agentId: string;
  session: string;
  resolve(ws: WebSocket): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class TunnelError extends Error {
  constructor(
    readonly reason: 'agent_offline' | 'timeout' | 'agent_error',
    message: string,
  ) {
    super(message);
    this.name = 'TunnelError';
  }
}

/**
 * Pairs a viewer with the agent's dial-back: the backend asks the agent to open a tunnel, and the
 * agent connects to /agents/tunnels/:id. VNC bytes never ride the control socket.
 */
export class TunnelBroker {
  private readonly pending = new Map<string, Pending>();
  /** Tunnels asked for since start: the local stack's own sessions should never need one. */
  requested = 0;

  constructor(
    private readonly sender: AgentSender,
    private readonly timeoutMs = 10_000,
  ) {}

  open(agentId: string, session: string): Promise<WebSocket> {
    return this.openWith(agentId, session, (tunnelId) => ({ type: 'tunnel_open', tunnelId, session }));
  }

  /** As open, with another kind of request for the dial-back (a files tunnel, say). */
  openWith(
    agentId: string,
    session: string,
    request: (tunnelId: string) => BackendToAgent,
  ): Promise<WebSocket> {
    const tunnelId = randomUUID();
    this.requested++;
    return new Promise<WebSocket>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(tunnelId);
        reject(new TunnelError('timeout', 'the agent did not open the stream in time'));
      }, this.timeoutMs);
      this.pending.set(tunnelId, { agentId, session, resolve, reject, timer });
      if (!this.sender.send(agentId, request(tunnelId))) {
        clearTimeout(timer);
        this.pending.delete(tunnelId);
        reject(new TunnelError('agent_offline', 'the agent running this session is offline'));
      }
    });
  }

  /** Only the agent that was asked may answer a tunnel; anyone else gets false. */
  isExpected(tunnelId: string, agentId: string): boolean {
    return this.pending.get(tunnelId)?.agentId === agentId;
  }

  accept(tunnelId: string, agentId: string, ws: WebSocket): boolean {
    const p = this.pending.get(tunnelId);
    if (!p || p.agentId !== agentId) return false;
    this.pending.delete(tunnelId);
    clearTimeout(p.timer);
    p.resolve(ws);
    return true;
  }

  fail(agentId: string, tunnelId: string, message: string): void {
    const p = this.pending.get(tunnelId);
    if (!p || p.agentId !== agentId) return;
    this.pending.delete(tunnelId);
    clearTimeout(p.timer);
    p.reject(new TunnelError('agent_error', message));
  }
}
