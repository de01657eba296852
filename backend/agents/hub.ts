import type { Logger } from 'pino';
import WebSocket from 'ws';
import {
  type AgentToBackend as AgentFrame,
  type AgentHello,
  AgentToBackend,
  type BackendToAgent,
  type ObservedState,
} from '../../protocol';
import type { AgentRow } from '../db/schema';
import type { EventHub } from '../events/hub';
import type { TunnelBroker } from '../vnc/tunnels';
import type { AgentSender, CommandQueue } from './commands';
import { type AgentRegistry, toAgentSummary } from './registry';

/** What the session side does with an agent's facts. */
export interface AgentFacts {
  reconcile(agent: AgentRow, reported: ReadonlyArray<{ name: string; state: ObservedState }>): Promise<void>;
  status(agentId: string, name: string, state: ObservedState, message: string): Promise<void>;
}

interface Connection {
  ws: WebSocket;
  agent: AgentRow;
  ready: boolean;
  lastSeen: number;
  activeSessions: number;
  load: number;
  lastPersisted: number;
  queue: Promise<void>;
  badFrames: number;
}

export interface HubOptions {
  heartbeatIntervalMs: number;
  helloTimeoutMs: number;
  /** An agent that misses this many heartbeats in a row is offline. */
  missedHeartbeats: number;
}

const MAX_BAD_FRAMES = 1000;
/** An unchanged heartbeat is written at most this often; lastSeenAt in the database is that coarse. */
const PERSIST_EVERY_MS = 30_000;

export class AgentHub implements AgentSender {
  private readonly connections = new Map<string, Connection>();
  private sweeper: NodeJS.Timeout | undefined;
  private facts: AgentFacts | undefined;
  private tunnels: TunnelBroker | undefined;

  constructor(
    private readonly registry: AgentRegistry,
    private readonly commands: () => CommandQueue,
    private readonly events: EventHub,
    private readonly logger: Logger,
    private readonly options: HubOptions,
  ) {}

  wire(facts: AgentFacts, tunnels: TunnelBroker): void {
    this.facts = facts;
    this.tunnels = tunnels;
  }

  start(): void {
    this.sweeper = setInterval(() => this.sweep(), this.options.heartbeatIntervalMs);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    for (const c of this.connections.values()) c.ws.close(1001, 'backend shutting down');
  }

  get onlineCount(): number {
    return this.connections.size;
  }

  isConnected(agentId: string): boolean {
    const c = this.connections.get(agentId);
    return !!c && c.ready && c.ws.readyState === WebSocket.OPEN;
  }

  /** Live sessions the agent says it runs, from its last heartbeat. */
  reportedActive(agentId: string): number | undefined {
    return this.connections.get(agentId)?.activeSessions;
  }

  send(agentId: string, message: BackendToAgent): boolean {
    const c = this.connections.get(agentId);
    if (!c?.ready || c.ws.readyState !== WebSocket.OPEN) return false;
    c.ws.send(JSON.stringify(message));
    return true;
  }

  /** Revocation: the agent's socket goes at once. */
  disconnect(agentId: string, reason: string): void {
    const c = this.connections.get(agentId);
    if (c) c.ws.close(4403, reason);
  }

  accept(ws: WebSocket, agent: AgentRow): void {
    const conn: Connection = {
      ws,
      agent,
      ready: false,
      lastSeen: Date.now(),
      activeSessions: 0,
      load: 0,
      lastPersisted: 0,
      queue: Promise.resolve(),
      badFrames: 0,
    };
    const helloTimer = setTimeout(() => {
      if (!conn.ready) ws.close(4408, 'expected hello');
    }, this.options.helloTimeoutMs);
    ws.on('message', (data, isBinary) => {
      // Frames of one agent are handled one after another, so a result never overtakes its ack.
      conn.queue = conn.queue
        .then(() => this.onFrame(conn, data, isBinary))
        .catch((err: unknown) =>
          this.logger.error({ err, agentId: agent.id }, 'agent frame handling failed'),
        );
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      void this.onClose(conn);
    });
    ws.on('error', (err) => this.logger.warn({ err, agentId: agent.id }, 'agent socket error'));
  }

  private refuse(conn: Connection, code: string, message: string): void {
    conn.badFrames++;
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify({ type: 'error', code, message }));
    if (conn.badFrames > MAX_BAD_FRAMES) conn.ws.close(4400, 'too many invalid frames');
  }

  private async onFrame(conn: Connection, data: WebSocket.RawData, isBinary: boolean): Promise<void> {
    if (isBinary) return this.refuse(conn, 'invalid_frame', 'the control channel takes JSON text frames');
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return this.refuse(conn, 'invalid_frame', 'frame is not valid JSON');
    }
    const parsed = AgentToBackend.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.refuse(
        conn,
        'invalid_frame',
        `frame does not match the protocol: ${issue?.path.join('.')} ${issue?.message}`,
      );
    }
    const frame: AgentFrame = parsed.data;
    conn.lastSeen = Date.now();
    if (frame.type === 'hello') return this.onHello(conn, frame);
    if (!conn.ready) return this.refuse(conn, 'hello_required', 'send hello first');
    const agentId = conn.agent.id;
    switch (frame.type) {
      case 'heartbeat':
        return this.onHeartbeat(conn, frame.activeSessions, frame.load);
      case 'ack':
        return this.commands().ack(agentId, frame.commandId);
      case 'result':
        return this.commands().result(agentId, frame.commandId, frame.ok, frame.state, frame.message);
      case 'session_status':
        return this.facts?.status(agentId, frame.name, frame.state, frame.message);
      case 'tunnel_error':
        return this.tunnels?.fail(agentId, frame.tunnelId, frame.message);
    }
  }

  private async onHello(conn: Connection, hello: AgentHello): Promise<void> {
    if (conn.ready) return this.refuse(conn, 'invalid_frame', 'hello was already received');
    const agent = conn.agent;
    if (hello.agentId !== agent.id) {
      this.refuse(conn, 'forbidden', 'agentId does not match the token');
      conn.ws.close(4403, 'agentId does not match the token');
      return;
    }
    if (hello.runtime !== agent.runtime) {
      this.refuse(conn, 'invalid_frame', `this agent is registered for the ${agent.runtime} runtime`);
      conn.ws.close(4400, 'runtime mismatch');
      return;
    }
    const previous = this.connections.get(agent.id);
    if (previous && previous !== conn) previous.ws.close(4409, 'replaced by a newer connection');
    conn.ready = true;
    conn.activeSessions = hello.sessions.filter(
      (s) => s.state !== 'terminated' && s.state !== 'failed',
    ).length;
    this.connections.set(agent.id, conn);
    this.commands().connectionOpened(agent.id);
    const row = await this.registry.setStatus(agent.id, {
      status: 'online',
      version: hello.version,
      maxSessions:
        hello.capacity.maxSessions > 0
          ? Math.min(hello.capacity.maxSessions, agent.maxSessions)
          : agent.maxSessions,
      activeSessions: conn.activeSessions,
      lastSeenAt: new Date(),
    });
    if (row) conn.agent = row;
    // The hello was just written. The next routine write comes at a random point of the period, so
    // agents that connected together (after a restart, all of them) do not write together for ever.
    conn.lastPersisted = Date.now() - Math.random() * PERSIST_EVERY_MS;
    conn.ws.send(JSON.stringify({ type: 'welcome', heartbeatIntervalMs: this.options.heartbeatIntervalMs }));
    this.logger.info(
      { agentId: agent.id, name: agent.name, sessions: hello.sessions.length },
      'agent connected',
    );
    if (row) this.events.agent(toAgentSummary(row));
    await this.facts?.reconcile(conn.agent, hello.sessions);
    await this.commands().dispatch(agent.id);
  }

  private async onHeartbeat(conn: Connection, activeSessions: number, load: number): Promise<void> {
    const changed = activeSessions !== conn.activeSessions;
    conn.activeSessions = activeSessions;
    conn.load = load;
    const now = Date.now();
    // Persist when the figure changes, and otherwise now and then: 500 agents must not mean 100 writes a second.
    if (changed || now - conn.lastPersisted > PERSIST_EVERY_MS) {
      conn.lastPersisted = now;
      const row = await this.registry.setStatus(conn.agent.id, {
        activeSessions,
        load,
        lastSeenAt: new Date(now),
      });
      if (row && changed) this.events.agent(toAgentSummary(row));
    }
  }

  private async onClose(conn: Connection): Promise<void> {
    if (this.connections.get(conn.agent.id) !== conn) return;
    this.connections.delete(conn.agent.id);
    this.commands().connectionClosed(conn.agent.id);
    const row = await this.registry.setStatus(conn.agent.id, { status: 'offline' }).catch(() => undefined);
    if (row) this.events.agent(toAgentSummary(row));
    this.logger.info({ agentId: conn.agent.id }, 'agent disconnected');
  }

  private sweep(): void {
    const limit = this.options.heartbeatIntervalMs * this.options.missedHeartbeats;
    const now = Date.now();
    for (const c of this.connections.values()) {
      if (now - c.lastSeen > limit) {
        this.logger.warn({ agentId: c.agent.id }, 'agent missed its heartbeats; marking offline');
        c.ws.terminate();
      }
    }
  }
}
