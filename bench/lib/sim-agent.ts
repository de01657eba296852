import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import {
  AGENT_CONNECT_PATH,
  type AgentToBackend,
  type BackendCommand,
  BackendToAgent,
  commandSession,
  type ObservedState,
  type RuntimeName,
} from '../../protocol';

export interface SimAgentOptions {
  baseUrl: string;
  agentId: string;
  token: string;
  runtime?: RuntimeName;
  maxSessions?: number;
  /** Called as soon as a command frame arrives, with the time it arrived (performance.now()). */
  onCommand?: (command: BackendCommand, receivedAt: number, agentId: string) => void;
}

/** What each command leaves behind on an agent that always succeeds. */
const OUTCOME: Record<BackendCommand['action'], ObservedState> = {
  start_session: 'running',
  wake_session: 'running',
  hibernate_session: 'hibernated',
  stop_session: 'terminated',
};

/**
 * A cheap stand-in for a real agent that speaks the real protocol: hello, heartbeats at the
 * interval the backend asks for, and ack + result ok for every command. Hundreds fit in one process.
 */
export class SimAgent {
  private ws: WebSocket | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly running = new Set<string>();
  heartbeatsSent = 0;
  commandsReceived = 0;
  /** Frames the protocol schema refused; a benchmark must not report figures from a broken peer. */
  invalidFrames = 0;

  constructor(private readonly options: SimAgentOptions) {}

  get activeSessions(): number {
    return this.running.size;
  }

  async connect(): Promise<void> {
    const { baseUrl, agentId, token } = this.options;
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${AGENT_CONNECT_PATH}`, {
      headers: { Authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    this.ws = ws;
    const welcomed = new Promise<number>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`agent refused: ${res.statusCode}`)));
      ws.once('close', (code, reason) => reject(new Error(`closed before welcome: ${code} ${reason}`)));
      ws.on('message', (data) => {
        const at = performance.now();
        const parsed = BackendToAgent.safeParse(JSON.parse(data.toString()));
        if (!parsed.success) {
          this.invalidFrames++;
          return;
        }
        const m = parsed.data;
        if (m.type === 'welcome') resolve(m.heartbeatIntervalMs);
        else if (m.type === 'command') this.onCommand(m, at);
      });
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`agent refused: ${res.statusCode}`)));
    });
    this.send({
      type: 'hello',
      agentId,
      runtime: this.options.runtime ?? 'local',
      version: 'bench',
      capacity: { maxSessions: this.options.maxSessions ?? 10 },
      sessions: [],
    });
    const intervalMs = await welcomed;
    ws.removeAllListeners('error');
    ws.removeAllListeners('close');
    ws.on('error', () => {});
    // Agents that connected in a burst must not heartbeat in lockstep, as real fleets do not.
    this.heartbeat = setTimeout(() => {
      this.beat();
      this.heartbeat = setInterval(() => this.beat(), intervalMs);
    }, Math.random() * intervalMs);
  }

  private beat(): void {
    this.heartbeatsSent++;
    this.send({ type: 'heartbeat', activeSessions: this.running.size, load: this.running.size / 10 });
  }

  private onCommand(command: BackendCommand, receivedAt: number): void {
    this.commandsReceived++;
    this.options.onCommand?.(command, receivedAt, this.options.agentId);
    const state = OUTCOME[command.action];
    const name = commandSession(command);
    if (state === 'running') this.running.add(name);
    else this.running.delete(name);
    this.send({ type: 'ack', commandId: command.commandId });
    this.send({ type: 'result', commandId: command.commandId, ok: true, state, message: '' });
  }

  private send(frame: AgentToBackend): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  close(): Promise<void> {
    clearTimeout(this.heartbeat);
    clearInterval(this.heartbeat);
    const ws = this.ws;
    return new Promise((resolve) => {
      if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
      ws.once('close', () => resolve());
      ws.close();
    });
  }
}
