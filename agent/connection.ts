import { loadavg } from 'node:os';
import type { Logger } from 'pino';
import WebSocket, { type RawData } from 'ws';
import { z } from 'zod';
import {
  AGENT_CONNECT_PATH,
  AgentToBackend,
  agentTunnelPath,
  BackendToAgent,
  commandSession,
  type ObservedState,
} from '../protocol';
import { type BackoffOptions, backoffDelay } from './backoff';
import { isActiveObservedState, type Runtime, type RuntimeStatusEvent } from './runtime';
import { pipeTunnel, type Tunnel, type TunnelOptions } from './tunnel';
import { webSocketUrl } from './urls';

export interface AgentConnectionOptions {
  /** http(s) base URL of the backend, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  token: string;
  agentId: string;
  version: string;
  maxSessions: number;
  runtime: Runtime;
  logger: Logger;
  reconnect?: Partial<BackoffOptions>;
  tunnel?: TunnelOptions;
  handshakeTimeoutMs?: number;
  /** One-minute load average; os.loadavg()[0] by default. */
  loadAverage?: () => number;
  random?: () => number;
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'ready' | 'stopped';

type Command = Extract<BackendToAgent, { type: 'command' }>;
type TunnelOpen = Extract<BackendToAgent, { type: 'tunnel_open' }>;
type ResultMessage = Extract<AgentToBackend, { type: 'result' }>;

const MESSAGE_MAX = 2000;
const REMEMBERED_RESULTS = 256;
const CONTROL_MAX_PAYLOAD = 16 * 1024 * 1024;
/**
 * The backend relays a viewer's frames one for one and refuses any over 4 MiB, so none larger can
 * come down a tunnel; ws's client default of 100 MiB would let one frame take that much memory.
 */
const TUNNEL_MAX_PAYLOAD = 4 * 1024 * 1024;
const truncate = (text: string) => (text.length > MESSAGE_MAX ? `${text.slice(0, MESSAGE_MAX - 1)}…` : text);

/**
 * Tunnel frames from agent to backend go unmasked (a zero mask, which ws then skips): masking
 * exists to protect proxies from scripts in browsers, and this client is no browser, so copying
 * and XOR-ing every VNC frame would buy nothing.
 */
const zeroMask = (mask: Buffer) => {
  mask.fill(0);
};

/**
 * The agent's end of the control socket: says hello, heartbeats, runs commands on the runtime,
 * reports status changes, and opens tunnels on request. Reconnects until stopped.
 */
export class AgentConnection {
  private ws: WebSocket | null = null;
  private currentState: ConnectionState = 'idle';
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private lastSeen = 0;
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly results = new Map<string, ResultMessage>();
  private readonly tunnels = new Map<string, { close(): void; closed: Promise<unknown> }>();
  private readonly log: Logger;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: AgentConnectionOptions) {
    this.log = options.logger.child({ component: 'agent-connection', agentId: options.agentId });
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  start(): void {
    if (this.currentState !== 'idle') return;
    this.unsubscribe = this.options.runtime.onStatus((event) => this.forwardStatus(event));
    this.connect();
  }

  async stop(): Promise<void> {
    if (this.currentState === 'stopped') return;
    this.currentState = 'stopped';
    this.unsubscribe?.();
    this.clearTimers();
    const tunnels = [...this.tunnels.values()];
    for (const tunnel of tunnels) tunnel.close();
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'agent stopping');
      else ws.terminate();
      const timer = setTimeout(() => ws.terminate(), 2_000);
      await closed;
      clearTimeout(timer);
    }
    await Promise.race([
      Promise.allSettled(tunnels.map((t) => t.closed)),
      new Promise((resolve) => setTimeout(resolve, 2_000).unref()),
    ]);
  }

  private connect(): void {
    if (this.currentState === 'stopped') return;
    this.currentState = 'connecting';
    const url = webSocketUrl(this.options.baseUrl, AGENT_CONNECT_PATH);
    this.log.debug({ url }, 'connecting to the backend');
    const ws = new WebSocket(url, {
      headers: { Authorization: `Bearer ${this.options.token}` },
      perMessageDeflate: false,
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
      maxPayload: CONTROL_MAX_PAYLOAD,
    });
    this.ws = ws;
    ws.on('open', () => void this.onOpen(ws));
    ws.on('message', (data, isBinary) => this.onMessage(ws, data, isBinary));
    ws.on('pong', () => {
      this.lastSeen = Date.now();
    });
    // ws's messages carry the URL and status, never the headers, so the token stays out of logs.
    ws.on('error', (error) => this.log.warn({ reason: error.message }, 'control connection error'));
    ws.on('close', (code, reason) => this.onClose(ws, code, reason.toString()));
  }

  private async onOpen(ws: WebSocket): Promise<void> {
    if (ws !== this.ws) return;
    this.lastSeen = Date.now();
    let sessions: { name: string; state: ObservedState }[] = [];
    try {
      sessions = await this.options.runtime.list();
    } catch (error) {
      this.log.error({ err: error }, 'cannot list sessions for hello');
    }
    if (ws !== this.ws || ws.readyState !== WebSocket.OPEN) return;
    this.send({
      type: 'hello',
      agentId: this.options.agentId,
      runtime: this.options.runtime.name,
      version: this.options.version,
      capacity: { maxSessions: this.options.maxSessions },
      sessions,
    });
    // Only now: status frames must not overtake the hello.
    this.currentState = 'open';
    this.log.info({ sessions: sessions.length }, 'connected to the backend');
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    this.ws = null;
    this.clearTimers();
    if (this.currentState === 'stopped') return;
    this.currentState = 'connecting';
    const delayMs = backoffDelay(
      this.attempt++,
      { initialMs: this.options.reconnect?.initialMs ?? 500, maxMs: this.options.reconnect?.maxMs ?? 30_000 },
      this.options.random,
    );
    this.log.info({ code, reason, delayMs }, 'control connection closed, reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delayMs);
  }

  private onMessage(ws: WebSocket, data: RawData, isBinary: boolean): void {
    if (ws !== this.ws) return;
    this.lastSeen = Date.now();
    if (isBinary) {
      this.log.warn('ignoring a binary frame on the control socket');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      this.log.warn('ignoring a frame that is not JSON');
      return;
    }
    const parsed = BackendToAgent.safeParse(json);
    if (!parsed.success) {
      // The frame itself is not logged: a command carries the session's VNC password.
      const type =
        typeof json === 'object' && json !== null && 'type' in json ? String(json.type) : undefined;
      this.log.warn({ type, problem: z.prettifyError(parsed.error) }, 'ignoring an invalid frame');
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'welcome':
        this.onWelcome(message.heartbeatIntervalMs);
        break;
      case 'command':
        this.onCommand(message);
        break;
      case 'tunnel_open':
        void this.onTunnelOpen(message);
        break;
      case 'error':
        this.log.warn({ code: message.code, reason: message.message }, 'the backend refused a frame');
        break;
    }
  }

  private onWelcome(heartbeatIntervalMs: number): void {
    this.currentState = 'ready';
    this.attempt = 0;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    const interval = Math.max(50, heartbeatIntervalMs);
    // Silence for this long means the socket is dead even though TCP has not noticed.
    const deadAfterMs = Math.max(3 * interval, 10_000);
    this.heartbeatTimer = setInterval(() => {
      const ws = this.ws;
      if (!ws || ws.readyState !== WebSocket.OPEN) return;
      if (Date.now() - this.lastSeen > deadAfterMs) {
        this.log.warn({ silentMs: Date.now() - this.lastSeen }, 'backend went silent, reconnecting');
        ws.terminate();
        return;
      }
      ws.ping();
      void this.heartbeat();
    }, interval);
    void this.heartbeat();
  }

  private async heartbeat(): Promise<void> {
    let activeSessions: number;
    try {
      activeSessions = (await this.options.runtime.list()).filter((s) =>
        isActiveObservedState(s.state),
      ).length;
    } catch (error) {
      this.log.error({ err: error }, 'cannot count sessions, skipping a heartbeat');
      return;
    }
    const load = (this.options.loadAverage ?? (() => loadavg()[0] ?? 0))();
    this.send({
      type: 'heartbeat',
      activeSessions,
      load: Number.isFinite(load) ? Math.min(Math.max(load, 0), 10_000) : 0,
    });
  }

  private onCommand(command: Command): void {
    const { commandId, action } = command;
    this.send({ type: 'ack', commandId });
    const remembered = this.results.get(commandId);
    if (remembered) {
      // Re-sent after a reconnect: the first result was lost with the old socket.
      this.send(remembered);
      return;
    }
    // Still running: its result goes out on whatever socket is current when it finishes.
    if (this.inflight.has(commandId)) return;
    this.log.info({ commandId, action, session: commandSession(command) }, 'running command');
    const run = this.execute(command).then((result) => {
      this.inflight.delete(commandId);
      this.results.set(commandId, result);
      if (this.results.size > REMEMBERED_RESULTS) this.results.delete(this.results.keys().next().value!);
      this.log.info({ commandId, ok: result.ok, state: result.state }, 'command finished');
      this.send(result);
    });
    this.inflight.set(commandId, run);
  }

  private async execute(command: Command): Promise<ResultMessage> {
    const { commandId, action } = command;
    const runtime = this.options.runtime;
    const session = { name: commandSession(command) };
    try {
      let state: ObservedState;
      if (command.action === 'start_session') state = await runtime.start(command.session);
      else if (command.action === 'stop_session') state = await runtime.stop(command.name);
      else if (command.action === 'hibernate_session') state = await runtime.hibernate(command.name);
      else state = await runtime.wake(command.name);
      return { type: 'result', commandId, ok: true, state, message: '' };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const state = (await runtime.status(session.name).catch(() => null)) ?? 'failed';
      this.log.warn({ commandId, action, session: session.name, reason: message }, 'command failed');
      return { type: 'result', commandId, ok: false, state, message: truncate(message) };
    }
  }

  private async onTunnelOpen({ tunnelId, session }: TunnelOpen): Promise<void> {
    if (this.tunnels.has(tunnelId)) return;
    const pending = { close: () => {}, closed: Promise.resolve() as Promise<unknown> };
    this.tunnels.set(tunnelId, pending);
    const [dialed, opened] = await Promise.allSettled([
      this.dialTunnel(tunnelId),
      this.options.runtime.openStream(session),
    ]);
    if (dialed.status === 'rejected' || opened.status === 'rejected' || this.currentState === 'stopped') {
      if (dialed.status === 'fulfilled') dialed.value.terminate();
      if (opened.status === 'fulfilled') opened.value.destroy();
      this.tunnels.delete(tunnelId);
      const failure =
        opened.status === 'rejected' ? opened.reason : dialed.status === 'rejected' ? dialed.reason : null;
      const message = failure instanceof Error ? failure.message : 'agent is stopping';
      this.log.warn({ tunnelId, session, reason: message }, 'cannot open tunnel');
      this.send({ type: 'tunnel_error', tunnelId, message: truncate(message) });
      return;
    }
    const tunnel: Tunnel = pipeTunnel(dialed.value, opened.value, this.options.tunnel);
    this.tunnels.set(tunnelId, tunnel);
    this.log.debug({ tunnelId, session }, 'tunnel open');
    void tunnel.closed.then((reason) => {
      this.tunnels.delete(tunnelId);
      this.log.debug({ tunnelId, session, reason, ...tunnel.stats }, 'tunnel closed');
    });
  }

  private dialTunnel(tunnelId: string): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(webSocketUrl(this.options.baseUrl, agentTunnelPath(tunnelId)), {
        headers: { Authorization: `Bearer ${this.options.token}` },
        perMessageDeflate: false,
        handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
        maxPayload: TUNNEL_MAX_PAYLOAD,
        generateMask: zeroMask,
      });
      // Stays attached: between open and piping, an error must not become an uncaught exception.
      ws.on('error', (error) => reject(error));
      ws.once('open', () => resolve(ws));
      ws.once('close', () => reject(new Error('tunnel connection closed before it opened')));
    });
  }

  private forwardStatus(event: RuntimeStatusEvent): void {
    if (this.currentState !== 'open' && this.currentState !== 'ready') return;
    this.send({
      type: 'session_status',
      name: event.name,
      state: event.state,
      message: truncate(event.message),
    });
  }

  private send(message: AgentToBackend): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    const checked = AgentToBackend.safeParse(message);
    if (!checked.success) {
      this.log.error(
        { type: message.type, problem: z.prettifyError(checked.error) },
        'not sending an invalid frame',
      );
      return false;
    }
    ws.send(JSON.stringify(checked.data));
    return true;
  }

  private clearTimers(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.reconnectTimer = null;
    this.heartbeatTimer = null;
  }
}
