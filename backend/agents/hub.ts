import type { Logger } from 'pino';
import WebSocket from 'ws';
import {
  type AgentToBackend as AgentFrame,
  type AgentHello,
  AgentToBackend,
  SHARED_AGENT_WARNING,
} from '../../protocol';
import type { AgentRow } from '../db/schema';
import type { EventHub } from '../events/hub';
import type { AgentConnections } from './connections';
import type { AgentFrameRouter } from './frame-router';
import { type AgentRegistry, isSharedLocal, toAgentSummary } from './registry';

interface Connection {
  ws: WebSocket;
  agent: AgentRow;
  ready: boolean;
  lastSeen: number;
  activeSessions: number;
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

/**
 * Agents' control sockets: validates frames, runs the hello and the heartbeats, keeps each agent's
 * online state, and hands every other frame to the router. It carries frames; it does not act on them.
 */
export class AgentHub {
  private readonly connections = new Map<WebSocket, Connection>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: AgentRegistry,
    private readonly live: AgentConnections,
    private readonly router: AgentFrameRouter,
    private readonly events: EventHub,
    private readonly logger: Logger,
    private readonly options: HubOptions,
  ) {}

  start(): void {
    this.sweeper = setInterval(() => this.sweep(), this.options.heartbeatIntervalMs);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.live.closeAll(1001, 'backend shutting down');
  }

  accept(ws: WebSocket, agent: AgentRow): void {
    const conn: Connection = {
      ws,
      agent,
      ready: false,
      lastSeen: Date.now(),
      activeSessions: 0,
      lastPersisted: 0,
      queue: Promise.resolve(),
      badFrames: 0,
    };
    this.connections.set(ws, conn);
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
      this.connections.delete(ws);
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
    if (frame.type === 'heartbeat') return this.onHeartbeat(conn, frame.activeSessions, frame.load);
    return this.router.route(conn.agent.id, frame);
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
    conn.ready = true;
    conn.activeSessions = hello.sessions.filter(
      (s) => s.state !== 'terminated' && s.state !== 'failed',
    ).length;
    this.live.register(agent.id, conn.ws, conn.activeSessions);
    this.router.opened(agent.id);
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
    // Repeated on every connect, so a restart's log says it too, not only the day it was shared.
    if (isSharedLocal(conn.agent)) {
      this.logger.warn(
        { agentId: agent.id, name: agent.name },
        `agent ${agent.name} is shared: ${SHARED_AGENT_WARNING}`,
      );
    }
    if (row) this.events.agent(toAgentSummary(row));
    await this.router.hello(conn.agent, hello.sessions);
  }

  private async onHeartbeat(conn: Connection, activeSessions: number, load: number): Promise<void> {
    const changed = activeSessions !== conn.activeSessions;
    conn.activeSessions = activeSessions;
    this.live.setActive(conn.agent.id, activeSessions);
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
    if (!conn.ready || !this.live.unregister(conn.agent.id, conn.ws)) return;
    this.router.closed(conn.agent.id);
    const row = await this.registry.setStatus(conn.agent.id, { status: 'offline' }).catch(() => undefined);
    if (row) this.events.agent(toAgentSummary(row));
    this.logger.info({ agentId: conn.agent.id }, 'agent disconnected');
  }

  private sweep(): void {
    const limit = this.options.heartbeatIntervalMs * this.options.missedHeartbeats;
    const now = Date.now();
    for (const c of this.connections.values()) {
      if (c.ready && now - c.lastSeen > limit) {
        this.logger.warn({ agentId: c.agent.id }, 'agent missed its heartbeats; marking offline');
        c.ws.terminate();
      }
    }
  }
}
