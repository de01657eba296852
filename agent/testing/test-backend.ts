import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type WebSocket from 'ws';
import { type RawData, WebSocketServer } from 'ws';
import { AgentToBackend, API_PREFIX, type BackendToAgent, matchPath, wsRoutes } from '../../protocol';

// A wait, not a speed check: an agent started through tsx on a loaded machine can take seconds.
const DEFAULT_TIMEOUT_MS = 15_000;

/** Something to await until a condition holds: every change wakes the waiters, who check again. */
class Signal {
  private waiters: (() => void)[] = [];

  notify(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }
}

type Message<K extends AgentToBackend['type']> = Extract<AgentToBackend, { type: K }>;

/** One control socket an agent opened; every frame is recorded from the moment it connected. */
export class Control {
  /** Every frame, parsed with the protocol's own schema: an invalid frame fails the test. */
  readonly messages: AgentToBackend[] = [];
  private cursor = 0;
  private readonly signal = new Signal();

  constructor(
    readonly ws: WebSocket,
    readonly request: IncomingMessage,
    invalidFrames: unknown[],
  ) {
    ws.on('message', (data) => {
      const parsed = AgentToBackend.safeParse(JSON.parse(data.toString()));
      if (parsed.success) this.messages.push(parsed.data);
      else invalidFrames.push(parsed.error);
      this.signal.notify();
    });
  }

  /**
   * The next frame of `type` (any type when omitted) after the last one `next` returned, waiting
   * for it if it has not come yet; frames passed over are not returned again.
   */
  async next<K extends AgentToBackend['type']>(
    type?: K,
    predicate: (m: Message<K>) => boolean = () => true,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<Message<K>> {
    const matches = (m: AgentToBackend): m is Message<K> =>
      (type === undefined || m.type === type) && predicate(m as Message<K>);
    let found: Message<K> | undefined;
    await this.signal.until(
      () => {
        const index = this.messages.findIndex((m, i) => i >= this.cursor && matches(m));
        if (index < 0) return false;
        found = this.messages[index] as Message<K>;
        this.cursor = index + 1;
        return true;
      },
      timeoutMs,
      `a ${type ?? 'frame'} from the agent`,
    );
    return found!;
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** One tunnel an agent dialed back; its bytes are buffered from the moment it connected. */
export class Tunnel {
  /** Frames not yet taken by next() or read(). */
  private readonly unread: Buffer[] = [];
  private unreadBytes = 0;
  private closeCode: number | null = null;
  private readonly signal = new Signal();
  /** Resolves with the close code once the socket is closed. */
  readonly closed: Promise<number>;

  constructor(
    readonly ws: WebSocket,
    readonly request: IncomingMessage,
    readonly tunnelId: string,
  ) {
    ws.on('message', (data) => {
      const buffer = toBuffer(data);
      this.unread.push(buffer);
      this.unreadBytes += buffer.length;
      this.signal.notify();
    });
    this.closed = new Promise((resolve) => {
      ws.once('close', (code: number) => {
        this.closeCode = code;
        this.signal.notify();
        resolve(code);
      });
    });
  }

  /** The next frame, as it came. */
  async next(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Buffer> {
    await this.signal.until(() => this.unread.length > 0 || this.closeCode !== null, timeoutMs, 'a frame');
    const frame = this.unread.shift();
    if (!frame) throw new Error(`tunnel ${this.tunnelId} closed (${this.closeCode})`);
    this.unreadBytes -= frame.length;
    return frame;
  }

  /** Exactly `n` bytes, across frame boundaries. */
  async read(n: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Buffer> {
    await this.signal.until(() => this.unreadBytes >= n || this.closeCode !== null, timeoutMs, `${n} bytes`);
    if (this.unreadBytes < n) {
      throw new Error(
        `tunnel ${this.tunnelId} closed (${this.closeCode}) after ${this.unreadBytes} of ${n} bytes`,
      );
    }
    const all = Buffer.concat(this.unread.splice(0));
    this.unreadBytes = all.length - n;
    if (this.unreadBytes > 0) this.unread.push(all.subarray(n));
    return all.subarray(0, n);
  }
}

/** Which of the agent routes a request's URL names, with its params, or null. */
function route(url: string): { name: 'agentConnect' | 'agentTunnel'; params: Record<string, string> } | null {
  const { pathname } = new URL(url, 'http://test-backend');
  if (!pathname.startsWith(`${API_PREFIX}/`)) return null;
  const path = pathname.slice(API_PREFIX.length);
  for (const name of ['agentConnect', 'agentTunnel'] as const) {
    const params = matchPath(wsRoutes[name].path, path);
    if (params) return { name, params };
  }
  return null;
}

/** A tiny backend: accepts agents on the protocol's routes and records what they send. */
/** The agent token tests give a TestBackend: long and distinct, so that a leak into a log shows. */
export const AGENT_TOKEN = 'agent-token-that-must-not-leak';

export class TestBackend {
  readonly controls: Control[] = [];
  readonly tunnels: Tunnel[] = [];
  readonly invalidFrames: unknown[] = [];
  private readonly connected = new Signal();
  private server!: WebSocketServer;
  private port = 0;

  constructor(private readonly token: string) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(port = 0): Promise<void> {
    this.server = new WebSocketServer({
      host: '127.0.0.1',
      port,
      perMessageDeflate: false,
      verifyClient: ({ req }: { req: IncomingMessage }) =>
        req.headers.authorization === `Bearer ${this.token}`,
    });
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    this.server.on('connection', (ws, request) => {
      // Listeners go on before this handler returns, so no frame can come before them.
      const matched = route(request.url ?? '');
      if (matched?.name === 'agentConnect') {
        this.controls.push(new Control(ws, request, this.invalidFrames));
      } else if (matched?.name === 'agentTunnel') {
        this.tunnels.push(new Tunnel(ws, request, matched.params.tunnelId!));
      } else {
        ws.close(4404, 'unknown path');
        return;
      }
      this.connected.notify();
    });
  }

  get control(): Control {
    const control = this.controls.at(-1);
    if (!control) throw new Error('no agent connected');
    return control;
  }

  /** The tunnel the agent dialed back for `tunnelId`, waiting for it if it has not yet. */
  async tunnel(tunnelId: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Tunnel> {
    const find = () => this.tunnels.find((t) => t.tunnelId === tunnelId);
    await this.connected.until(() => find() !== undefined, timeoutMs, `tunnel ${tunnelId}`);
    return find()!;
  }

  send(message: BackendToAgent | string, control = this.control): void {
    control.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error('timed out waiting on the test backend');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** The first message of `type` from the current control socket after index `from`. */
  async message<K extends AgentToBackend['type']>(
    type: K,
    predicate: (m: Message<K>) => boolean = () => true,
    from = 0,
  ): Promise<Message<K>> {
    return this.waitFor(() =>
      this.controls
        .at(-1)
        ?.messages.slice(from)
        .find((m): m is Message<K> => m.type === type && predicate(m as never)),
    );
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
