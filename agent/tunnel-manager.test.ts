import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AgentToBackend, API_PREFIX, apiWebSocketUrl } from '../protocol';
import { FakeRuntime } from './testing/fake-runtime';
import { AGENT_TOKEN, TestBackend } from './testing/test-backend';
import { TunnelManager } from './tunnel-manager';

describe('TunnelManager', () => {
  let backend: TestBackend;
  let runtime: FakeRuntime;
  let echoServer: Server;
  let sent: AgentToBackend[];
  let manager: TunnelManager;

  beforeEach(async () => {
    backend = new TestBackend(AGENT_TOKEN);
    await backend.listen();
    runtime = new FakeRuntime();
    echoServer = createServer((socket: Socket) => socket.pipe(socket));
    echoServer.listen(0, '127.0.0.1');
    await once(echoServer, 'listening');
    runtime.streamPort = (echoServer.address() as AddressInfo).port;
    sent = [];
    manager = new TunnelManager({
      baseUrl: backend.baseUrl,
      token: AGENT_TOKEN,
      runtime,
      logger: pino({ level: 'silent' }),
      send: (message) => {
        sent.push(message);
        return true;
      },
    });
  });

  afterEach(async () => {
    await manager.closeAll();
    await backend.close();
    await new Promise((resolve) => echoServer.close(resolve));
  });

  it('builds the dial-back URL from the route table, under a base path, with the id encoded', () => {
    expect(
      apiWebSocketUrl('https://example.com/streamspace/?x=1#y', 'agentTunnel', {
        params: { tunnelId: 't 1' },
      }),
    ).toBe(`wss://example.com/streamspace${API_PREFIX}/agents/tunnels/t%201`);
  });

  it('dials a tunnel back for tunnel_open and pipes it to the session stream', async () => {
    runtime.sessions.set('alice-xterm-00000001', 'running');
    void manager.open({ type: 'tunnel_open', tunnelId: 'tun-1', session: 'alice-xterm-00000001' });
    const tunnel = await backend.tunnel('tun-1');
    expect(tunnel.request.headers.authorization).toBe(`Bearer ${AGENT_TOKEN}`);
    const payload = randomBytes(300_000);
    tunnel.ws.send(payload, { binary: true });
    expect((await tunnel.read(payload.length)).equals(payload)).toBe(true);
    expect(manager.size).toBe(1);
    expect(sent).toEqual([]);
  });

  it('answers tunnel_error when the session has no stream', async () => {
    await manager.open({ type: 'tunnel_open', tunnelId: 'tun-2', session: 'alice-gone-00000002' });
    expect(sent).toEqual([
      { type: 'tunnel_error', tunnelId: 'tun-2', message: 'no running session alice-gone-00000002' },
    ]);
    expect(manager.size).toBe(0);
  });

  it('closes its tunnels on closeAll, and refuses new ones afterwards', async () => {
    runtime.sessions.set('alice-xterm-00000001', 'running');
    void manager.open({ type: 'tunnel_open', tunnelId: 'tun-3', session: 'alice-xterm-00000001' });
    const tunnel = await backend.tunnel('tun-3');
    // An echo proves the tunnel is piped, not still being opened.
    tunnel.ws.send(Buffer.from('ping'), { binary: true });
    expect((await tunnel.read(4)).toString()).toBe('ping');
    await manager.closeAll();
    expect(await tunnel.closed).toBe(1000);
    await manager.open({ type: 'tunnel_open', tunnelId: 'tun-4', session: 'alice-xterm-00000001' });
    expect(sent).toEqual([{ type: 'tunnel_error', tunnelId: 'tun-4', message: 'agent is stopping' }]);
  });
});
