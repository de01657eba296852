import type { Logger } from 'pino';
import WebSocket from 'ws';
import { type AgentToBackend, apiWebSocketUrl, type BackendTunnelOpen } from '../protocol';
import { createRelayReader } from '../protocol/lib/stream-relay';
import type { Runtime } from './runtime';
import { truncateMessage } from './truncate';
import { pipeTunnel, type TunnelOptions } from './tunnel';

export interface TunnelManagerOptions {
  /** http(s) base URL of the backend. */
  baseUrl: string;
  token: string;
  runtime: Runtime;
  logger: Logger;
  /** Sends on whatever control socket is current; false when none is. */
  send(message: AgentToBackend): boolean;
  tunnel?: TunnelOptions;
  handshakeTimeoutMs?: number;
}

/**
 * The backend relays a viewer's frames one for one and refuses any over 4 MiB, so none larger can
 * come down a tunnel; ws's client default of 100 MiB would let one frame take that much memory.
 */
const TUNNEL_MAX_PAYLOAD = 4 * 1024 * 1024;

/**
 * Tunnel frames from agent to backend go unmasked (a zero mask, which ws then skips): masking
 * exists to protect proxies from scripts in browsers, and this client is no browser, so copying
 * and XOR-ing every VNC frame would buy nothing.
 */
const zeroMask = (mask: Buffer) => {
  mask.fill(0);
};

interface OpenTunnel {
  close(): void;
  closed: Promise<unknown>;
}

/**
 * Answers tunnel_open: dials back the agentTunnel route and pipes it to the session's VNC stream,
 * or tells the backend tunnel_error when either end cannot be had.
 */
export class TunnelManager {
  private readonly tunnels = new Map<string, OpenTunnel>();
  private stopped = false;

  constructor(private readonly options: TunnelManagerOptions) {}

  /** Tunnels open or being opened. */
  get size(): number {
    return this.tunnels.size;
  }

  async open({ tunnelId, session }: BackendTunnelOpen): Promise<void> {
    if (this.tunnels.has(tunnelId)) return;
    const log = this.options.logger;
    const pending: OpenTunnel = { close: () => {}, closed: Promise.resolve() };
    this.tunnels.set(tunnelId, pending);
    const reader = createRelayReader();
    const [dialed, opened] = await Promise.allSettled([
      this.dial(tunnelId),
      this.options.runtime.openStream(session, { onread: reader.onread }),
    ]);
    if (dialed.status === 'rejected' || opened.status === 'rejected' || this.stopped) {
      if (dialed.status === 'fulfilled') dialed.value.terminate();
      if (opened.status === 'fulfilled') opened.value.destroy();
      this.tunnels.delete(tunnelId);
      const failure =
        opened.status === 'rejected' ? opened.reason : dialed.status === 'rejected' ? dialed.reason : null;
      const message = failure instanceof Error ? failure.message : 'agent is stopping';
      log.warn({ tunnelId, session, reason: message }, 'cannot open tunnel');
      this.options.send({ type: 'tunnel_error', tunnelId, message: truncateMessage(message) });
      return;
    }
    const tunnel = pipeTunnel(dialed.value, opened.value, this.options.tunnel, reader);
    // Paused since it opened, so that no frame came before pipeTunnel's listeners.
    dialed.value.resume();
    this.tunnels.set(tunnelId, tunnel);
    log.debug({ tunnelId, session }, 'tunnel open');
    void tunnel.closed.then((reason) => {
      this.tunnels.delete(tunnelId);
      log.debug({ tunnelId, session, reason, ...tunnel.stats }, 'tunnel closed');
    });
  }

  /**
   * Closes every tunnel and refuses those still being opened. The returned promise settles once
   * they are closed, or after 2 s.
   */
  closeAll(): Promise<void> {
    this.stopped = true;
    const tunnels = [...this.tunnels.values()];
    for (const tunnel of tunnels) tunnel.close();
    return Promise.race([
      Promise.allSettled(tunnels.map((t) => t.closed)).then(() => {}),
      new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref()),
    ]);
  }

  /** A paused socket on the agentTunnel route; the files tunnels dial the same way. */
  dial(tunnelId: string): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const url = apiWebSocketUrl(this.options.baseUrl, 'agentTunnel', { params: { tunnelId } });
      const ws = new WebSocket(url, {
        headers: { Authorization: `Bearer ${this.options.token}` },
        perMessageDeflate: false,
        handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
        maxPayload: TUNNEL_MAX_PAYLOAD,
        generateMask: zeroMask,
      });
      // Stays attached: between open and piping, an error must not become an uncaught exception.
      ws.on('error', (error) => reject(error));
      ws.once('open', () => {
        // Until piped: a frame arriving while the session's stream is still being opened would be lost.
        ws.pause();
        resolve(ws);
      });
      ws.once('close', () => reject(new Error('tunnel connection closed before it opened')));
    });
  }
}
