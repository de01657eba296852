import type { AgentThumbnail, AgentToBackend, ObservedState } from '../../protocol';
import type { AgentRow } from '../db/schema';

/** Where an agent's facts about its sessions go: the session service. */
export interface SessionFacts {
  reconcile(agent: AgentRow, reported: ReadonlyArray<{ name: string; state: ObservedState }>): Promise<void>;
  status(agentId: string, name: string, state: ObservedState, message: string): Promise<void>;
}

/** Where command acks and results go: the command queue. */
export interface CommandOutcomes {
  connectionOpened(agentId: string): void;
  connectionClosed(agentId: string): void;
  dispatch(agentId: string): Promise<void>;
  ack(agentId: string, commandId: string): Promise<void>;
  result(
    agentId: string,
    commandId: string,
    ok: boolean,
    state: ObservedState,
    message: string,
  ): Promise<void>;
}

/** Where tunnel refusals go: the tunnel broker. */
export interface TunnelOutcomes {
  fail(agentId: string, tunnelId: string, message: string): void;
}

/** Where thumbnail answers go: the thumbnail requests. */
export interface ThumbnailOutcomes {
  answer(agentId: string, frame: AgentThumbnail): void;
}

type SessionFrame = Exclude<AgentToBackend, { type: 'hello' } | { type: 'heartbeat' }>;

/**
 * Sends each frame of a connected agent to the one part of the backend it is about. The hub only
 * carries frames; this decides where they go, so neither the hub nor the parts know each other.
 */
export class AgentFrameRouter {
  constructor(
    private readonly parts: {
      commands: CommandOutcomes;
      sessions: SessionFacts;
      tunnels: TunnelOutcomes;
      thumbnails?: ThumbnailOutcomes;
    },
  ) {}

  /** A new socket of the agent: unfinished commands must be sent on it again. */
  opened(agentId: string): void {
    this.parts.commands.connectionOpened(agentId);
  }

  /** After the welcome: reconcile what the agent runs, then send it what waits. */
  async hello(
    agent: AgentRow,
    sessions: ReadonlyArray<{ name: string; state: ObservedState }>,
  ): Promise<void> {
    await this.parts.sessions.reconcile(agent, sessions);
    await this.parts.commands.dispatch(agent.id);
  }

  closed(agentId: string): void {
    this.parts.commands.connectionClosed(agentId);
  }

  async route(agentId: string, frame: SessionFrame): Promise<void> {
    switch (frame.type) {
      case 'ack':
        return this.parts.commands.ack(agentId, frame.commandId);
      case 'result':
        return this.parts.commands.result(agentId, frame.commandId, frame.ok, frame.state, frame.message);
      case 'session_status':
        return this.parts.sessions.status(agentId, frame.name, frame.state, frame.message);
      case 'tunnel_error':
        return this.parts.tunnels.fail(agentId, frame.tunnelId, frame.message);
      case 'thumbnail':
        return this.parts.thumbnails?.answer(agentId, frame);
    }
  }
}
