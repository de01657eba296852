import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import { AGENT_CONNECT_PATH, AgentToBackend, type BackendToAgent } from '../../protocol';

interface Control {
  ws: WebSocket;
  request: IncomingMessage;
  /** Every frame, parsed with the protocol's own schema: an invalid frame fails the test. */
  messages: AgentToBackend[];
}

/** A tiny backend: accepts agents on the protocol's paths and records what they send. */
export class TestBackend {
  readonly controls: Control[] = [];
  readonly tunnels: { ws: WebSocket; request: IncomingMessage; tunnelId: string }[] = [];
  readonly invalidFrames: unknown[] = [];
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
      const url = request.url ?? '';
      if (url === AGENT_CONNECT_PATH) {
        const control: Control = { ws, request, messages: [] };
        this.controls.push(control);
        ws.on('message', (data) => {
          const parsed = AgentToBackend.safeParse(JSON.parse(data.toString()));
          if (parsed.success) control.messages.push(parsed.data);
          else this.invalidFrames.push(parsed.error);
        });
      } else if (url.startsWith('/api/v1/agents/tunnels/')) {
        const tunnelId = decodeURIComponent(url.slice('/api/v1/agents/tunnels/'.length));
        this.tunnels.push({ ws, request, tunnelId });
      } else {
        ws.close(4404, 'unknown path');
      }
    });
  }

  get control(): Control {
    const control = this.controls.at(-1);
    if (!control) throw new Error('no agent connected');
    return control;
  }

  send(message: BackendToAgent | string, control = this.control): void {
    control.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5_000): Promise<T> {
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
    predicate: (m: Extract<AgentToBackend, { type: K }>) => boolean = () => true,
    from = 0,
  ): Promise<Extract<AgentToBackend, { type: K }>> {
    return this.waitFor(() =>
      this.controls
        .at(-1)
        ?.messages.slice(from)
        .find((m): m is Extract<AgentToBackend, { type: K }> => m.type === type && predicate(m as never)),
    );
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
