import WebSocket from 'ws';
import {
  AGENT_CONNECT_PATH,
  type AgentToBackend,
  type BackendCommand,
  BackendToAgent,
  type CommandAction,
  type CommandOf,
  type ObservedState,
  type RuntimeName,
} from '../../protocol';

/**
 * A scripted peer that speaks the agent protocol, for backend tests that need to control exactly
 * what an agent says (bad frames, lost results, reconnects). End-to-end tests use the real agent.
 */
export class ProtocolAgent {
  ws!: WebSocket;
  readonly received: BackendToAgent[] = [];
  readonly errors: string[] = [];
  private waiters: Array<{ match: (m: BackendToAgent) => boolean; resolve: (m: BackendToAgent) => void }> =
    [];
  /** When set, commands are answered automatically with this outcome. */
  autoReply: ((c: BackendCommand) => { ok: boolean; state: ObservedState; message?: string } | null) | null =
    (c) => ({
      ok: true,
      state:
        c.action === 'hibernate_session'
          ? 'hibernated'
          : c.action === 'stop_session'
            ? 'terminated'
            : 'running',
    });

  /** Heartbeats like a real agent once welcomed; off for tests about missed heartbeats. */
  heartbeats = true;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly baseUrl: string,
    readonly agentId: string,
    readonly token: string,
    readonly runtime: RuntimeName = 'local',
  ) {}

  async connect(
    sessions: Array<{ name: string; state: ObservedState }> = [],
    maxSessions = 10,
  ): Promise<void> {
    const url = `${this.baseUrl.replace(/^http/, 'ws')}${AGENT_CONNECT_PATH}`;
    this.ws = new WebSocket(url, { headers: { Authorization: `Bearer ${this.token}` } });
    this.ws.on('close', () => clearInterval(this.heartbeatTimer));
    this.ws.on('message', (data) => {
      const parsed = BackendToAgent.safeParse(JSON.parse(data.toString()));
      if (!parsed.success) throw new Error(`backend sent an invalid frame: ${data.toString()}`);
      const m = parsed.data;
      this.received.push(m);
      if (m.type === 'error') this.errors.push(m.message);
      if (m.type === 'welcome' && this.heartbeats) {
        clearInterval(this.heartbeatTimer);
        this.heartbeatTimer = setInterval(() => {
          if (this.ws.readyState === WebSocket.OPEN)
            this.send({ type: 'heartbeat', activeSessions: 0, load: 0 });
        }, m.heartbeatIntervalMs);
      }
      if (m.type === 'command' && this.autoReply) {
        const reply = this.autoReply(m);
        if (reply) {
          this.send({ type: 'ack', commandId: m.commandId });
          this.send({
            type: 'result',
            commandId: m.commandId,
            ok: reply.ok,
            state: reply.state,
            message: reply.message ?? '',
          });
        }
      }
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(m)) return true;
        w.resolve(m);
        return false;
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`agent connect refused: ${res.statusCode}`)),
      );
    });
    const welcome = this.next((m) => m.type === 'welcome');
    this.send({
      type: 'hello',
      agentId: this.agentId,
      runtime: this.runtime,
      version: 'test',
      capacity: { maxSessions },
      sessions,
    });
    const closed = new Promise<never>((_, reject) =>
      this.ws.once('close', (code, reason) =>
        reject(new Error(`closed before welcome: ${code} ${reason.toString()}`)),
      ),
    );
    await Promise.race([welcome, closed]);
  }

  send(frame: AgentToBackend | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  next(match: (m: BackendToAgent) => boolean, timeoutMs = 5000): Promise<BackendToAgent> {
    const seen = this.received.find(match);
    if (seen) {
      this.received.splice(this.received.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a backend frame')), timeoutMs);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          this.received.splice(this.received.indexOf(m), 1);
          resolve(m);
        },
      });
    });
  }

  command<A extends CommandAction = CommandAction>(action?: A, timeoutMs = 5000): Promise<CommandOf<A>> {
    return this.next((m) => m.type === 'command' && (!action || m.action === action), timeoutMs) as Promise<
      CommandOf<A>
    >;
  }

  close(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** Polls until `check` returns a value, for states that change asynchronously. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
