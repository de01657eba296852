import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import {
  type AgentToBackend,
  apiWebSocketUrl,
  type BackendCommand,
  BackendToAgent,
  type CommandAction,
  type CommandOf,
  commandSession,
  type ObservedState,
  type RuntimeName,
} from '../../protocol';

export interface ProtocolAgentOptions {
  runtime?: RuntimeName;
  /** The capacity the hello announces when `connect` is not told one. */
  maxSessions?: number;
  version?: string;
  /** Called as soon as a command frame arrives, with the time it arrived (performance.now()). */
  onCommand?: (command: BackendCommand, receivedAt: number, agentId: string) => void;
  /**
   * A frame the protocol refuses throws (the default, so the test fails loudly); false only counts
   * it in `invalidFrames`, for a benchmark that checks the count once it is done.
   */
  strict?: boolean;
}

export type AutoReply = (c: BackendCommand) => { ok: boolean; state: ObservedState; message?: string } | null;

/** What each command leaves behind on an agent that always succeeds. */
const OUTCOME: Record<CommandAction, ObservedState> = {
  start_session: 'running',
  wake_session: 'running',
  hibernate_session: 'hibernated',
  stop_session: 'terminated',
};

interface Waiter {
  match: (m: BackendToAgent) => boolean;
  resolve: (m: BackendToAgent) => void;
}

/**
 * A scripted peer that speaks the agent protocol: hello, heartbeats at the interval the backend
 * asks for, and (by default) ack + result ok for every command. Backend tests use it to control
 * exactly what an agent says (bad frames, lost results, reconnects); the fan-in benchmark runs
 * hundreds of them in one process, so it holds no more than the frames nobody has taken yet.
 * End-to-end tests use the real agent.
 */
export class ProtocolAgent {
  ws!: WebSocket;
  /** Every frame from the backend that no `next` has taken yet, kept from the moment the socket opens. */
  readonly received: BackendToAgent[] = [];
  readonly errors: string[] = [];
  /** When set, commands are answered automatically with this outcome. */
  autoReply: AutoReply | null = (c) => ({ ok: true, state: OUTCOME[c.action] });
  /** Heartbeats like a real agent once welcomed; off for tests about missed heartbeats. */
  heartbeats = true;
  /** Sees every valid frame as it arrives, with its receive time. */
  onFrame: ((m: BackendToAgent, receivedAt: number) => void) | null = null;
  heartbeatsSent = 0;
  commandsReceived = 0;
  /** Frames the protocol schema refused; a benchmark must not report figures from a broken peer. */
  invalidFrames = 0;
  private readonly running = new Set<string>();
  private waiters: Waiter[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly baseUrl: string,
    readonly agentId: string,
    readonly token: string,
    private readonly options: ProtocolAgentOptions = {},
  ) {}

  /** Sessions this agent runs by its own replies and hello, as its heartbeats report. */
  get activeSessions(): number {
    return this.running.size;
  }

  async connect(
    sessions: Array<{ name: string; state: ObservedState }> = [],
    maxSessions = this.options.maxSessions ?? 10,
  ): Promise<void> {
    const ws = new WebSocket(apiWebSocketUrl(this.baseUrl, 'agentConnect'), {
      headers: { Authorization: `Bearer ${this.token}` },
      perMessageDeflate: false,
    });
    this.ws = ws;
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('close', () => this.stopHeartbeats());
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) =>
          reject(new Error(`agent connect refused: ${res.statusCode}`)),
        );
      });
      this.running.clear();
      for (const s of sessions) if (s.state === 'running') this.running.add(s.name);
      this.send({
        type: 'hello',
        agentId: this.agentId,
        runtime: this.options.runtime ?? 'local',
        version: this.options.version ?? 'test',
        capacity: { maxSessions },
        sessions,
      });
      const closed = new Promise<never>((_, reject) =>
        ws.once('close', (code, reason) =>
          reject(new Error(`closed before welcome: ${code} ${reason.toString()}`)),
        ),
      );
      await Promise.race([this.next((m) => m.type === 'welcome'), closed]);
    } finally {
      ws.removeAllListeners('error');
      ws.removeAllListeners('unexpected-response');
      ws.on('error', () => {});
    }
  }

  private onMessage(text: string): void {
    const at = performance.now();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {}
    const parsed = BackendToAgent.safeParse(json);
    if (!parsed.success) {
      this.invalidFrames++;
      if (this.options.strict === false) return;
      throw new Error(`backend sent an invalid frame: ${text.slice(0, 200)}`);
    }
    const m = parsed.data;
    this.onFrame?.(m, at);
    if (m.type === 'error') this.errors.push(m.message);
    if (m.type === 'welcome') this.startHeartbeats(m.heartbeatIntervalMs);
    if (m.type === 'command') {
      this.commandsReceived++;
      this.options.onCommand?.(m, at, this.agentId);
      this.reply(m);
    }
    const waiter = this.waiters.find((w) => w.match(m));
    if (!waiter) {
      this.received.push(m);
      return;
    }
    this.waiters.splice(this.waiters.indexOf(waiter), 1);
    waiter.resolve(m);
  }

  private reply(command: BackendCommand): void {
    const reply = this.autoReply?.(command);
    if (!reply) return;
    const name = commandSession(command);
    if (reply.ok && reply.state === 'running') this.running.add(name);
    else this.running.delete(name);
    this.send({ type: 'ack', commandId: command.commandId });
    this.send({
      type: 'result',
      commandId: command.commandId,
      ok: reply.ok,
      state: reply.state,
      message: reply.message ?? '',
    });
  }

  private startHeartbeats(intervalMs: number): void {
    this.stopHeartbeats();
    if (!this.heartbeats) return;
    // Agents that connected in a burst must not heartbeat in lockstep, as real fleets do not.
    this.heartbeatTimer = setTimeout(() => {
      this.beat();
      this.heartbeatTimer = setInterval(() => this.beat(), intervalMs);
    }, Math.random() * intervalMs);
  }

  private stopHeartbeats(): void {
    clearTimeout(this.heartbeatTimer);
    clearInterval(this.heartbeatTimer);
  }

  private beat(): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.heartbeatsSent++;
    const active = this.running.size;
    this.send({ type: 'heartbeat', activeSessions: active, load: active / 10 });
  }

  send(frame: AgentToBackend | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** Opens the dial-back socket of a `tunnel_open`, as a real agent does. */
  openTunnel(tunnelId: string): WebSocket {
    return new WebSocket(apiWebSocketUrl(this.baseUrl, 'agentTunnel', { params: { tunnelId } }), {
      headers: { Authorization: `Bearer ${this.token}` },
      perMessageDeflate: false,
    });
  }

  /** The first frame, already received or yet to come, that `match` accepts; it is taken from the buffer. */
  next(match: (m: BackendToAgent) => boolean, timeoutMs = 5000): Promise<BackendToAgent> {
    const index = this.received.findIndex(match);
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0] as BackendToAgent);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error('timed out waiting for a backend frame'));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  command<A extends CommandAction = CommandAction>(action?: A, timeoutMs = 5000): Promise<CommandOf<A>> {
    return this.next((m) => m.type === 'command' && (!action || m.action === action), timeoutMs) as Promise<
      CommandOf<A>
    >;
  }

  close(): Promise<void> {
    this.stopHeartbeats();
    const ws = this.ws;
    return new Promise((resolve) => {
      if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
      ws.once('close', () => resolve());
      ws.close();
    });
  }
}
