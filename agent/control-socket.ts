import { loadavg } from 'node:os';
import type { Logger } from 'pino';
import WebSocket, { type RawData } from 'ws';
import { z } from 'zod';
import {
  AgentToBackend,
  apiWebSocketUrl,
  type BackendCommand,
  type BackendFilesOpen,
  type BackendThumbnailRequest,
  BackendToAgent,
  type BackendTunnelOpen,
  type BackoffOptions,
  backoffDelay,
  type ObservedState,
} from '../protocol';
import { isActiveObservedState, type Runtime } from './runtime';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'ready' | 'stopped';

export interface ControlSocketOptions {
  /** http(s) base URL of the backend, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  token: string;
  agentId: string;
  version: string;
  maxSessions: number;
  /** Asked for the sessions a hello reports and a heartbeat counts. */
  runtime: Runtime;
  logger: Logger;
  reconnect?: Partial<BackoffOptions>;
  handshakeTimeoutMs?: number;
  /** One-minute load average; os.loadavg()[0] by default. */
  loadAverage?: () => number;
  random?: () => number;
  /** A valid command frame arrived. */
  onCommand(command: BackendCommand): void;
  /** A valid tunnel_open frame arrived. */
  onTunnelOpen(message: BackendTunnelOpen): void;
  /** A valid thumbnail_request frame arrived; without a handler it is refused in the log. */
  onThumbnailRequest?(message: BackendThumbnailRequest): void;
  /** A valid files_open frame arrived; without a handler it is refused in the log. */
  onFilesOpen?(message: BackendFilesOpen): void;
}

const CONTROL_MAX_PAYLOAD = 16 * 1024 * 1024;

/**
 * The agent's control socket to the backend: connects, says hello, heartbeats once welcomed,
 * validates every frame both ways, and reconnects with backoff until stopped. What the frames ask
 * for is the caller's business (onCommand, onTunnelOpen).
 */
export class ControlSocket {
  private ws: WebSocket | null = null;
  private currentState: ConnectionState = 'idle';
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private lastSeen = 0;

  constructor(
    private readonly options: ControlSocketOptions,
    private readonly log: Logger,
  ) {}

  get state(): ConnectionState {
    return this.currentState;
  }

  start(): void {
    if (this.currentState !== 'idle') return;
    this.connect();
  }

  /** Closes the socket (1000) and never reconnects; resolves once it is closed. */
  async stop(): Promise<void> {
    if (this.currentState === 'stopped') return;
    this.currentState = 'stopped';
    this.clearTimers();
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
  }

  /** Sends on the current socket; false when there is none or the frame fails the protocol's schema. */
  send(message: AgentToBackend): boolean {
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

  private connect(): void {
    if (this.currentState === 'stopped') return;
    this.currentState = 'connecting';
    const url = apiWebSocketUrl(this.options.baseUrl, 'agentConnect');
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
    const message = this.parse(data, isBinary);
    if (!message) return;
    switch (message.type) {
      case 'welcome':
        this.onWelcome(message.heartbeatIntervalMs);
        break;
      case 'command':
        this.options.onCommand(message);
        break;
      case 'tunnel_open':
        this.options.onTunnelOpen(message);
        break;
      case 'thumbnail_request':
        if (this.options.onThumbnailRequest) this.options.onThumbnailRequest(message);
        else this.log.warn({ session: message.session }, 'no thumbnail taker: ignoring thumbnail_request');
        break;
      case 'files_open':
        if (this.options.onFilesOpen) this.options.onFilesOpen(message);
        else this.log.warn({ session: message.session }, 'no file access: ignoring files_open');
        break;
      case 'error':
        this.log.warn({ code: message.code, reason: message.message }, 'the backend refused a frame');
        break;
    }
  }

  /** The frame as the protocol's union, or null (logged) for anything else. */
  private parse(data: RawData, isBinary: boolean): BackendToAgent | null {
    if (isBinary) {
      this.log.warn('ignoring a binary frame on the control socket');
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      this.log.warn('ignoring a frame that is not JSON');
      return null;
    }
    const parsed = BackendToAgent.safeParse(json);
    if (!parsed.success) {
      // The frame itself is not logged: a command carries the session's VNC password.
      const type =
        typeof json === 'object' && json !== null && 'type' in json ? String(json.type) : undefined;
      this.log.warn({ type, problem: z.prettifyError(parsed.error) }, 'ignoring an invalid frame');
      return null;
    }
    return parsed.data;
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

  private clearTimers(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.reconnectTimer = null;
    this.heartbeatTimer = null;
  }
}
