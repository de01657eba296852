import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { StreamOptions } from '../../agent/runtime';
import { FakeRuntime } from '../../agent/testing/fake-runtime';
import { configFromEnv } from '../../backend/config';
import { createLogger } from '../../backend/logger';
import { appPaths, findAppRoot } from '../../backend/paths';
import { type ApiClient, apiWebSocketUrl, createApiClient } from '../../protocol';
import { type LocalStack, startLocalStack } from '../../stack/local-stack';
import { eventually } from '../support/eventually';
import { ProtocolAgent } from '../support/protocol-agent';

const PASSWORD = 'streams-admin-password';

/** Opens its streams as the local runtime does its Unix socket: with the relay's reader. */
class ReaderRuntime extends FakeRuntime {
  readonly opened: string[] = [];

  override openStream(name: string, options: StreamOptions = {}): Promise<Socket> {
    this.opened.push(name);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: this.streamPort, onread: options.onread });
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });
  }
}

/**
 * The local stack in this process with a stand-in runtime whose streams go to a TCP server here:
 * a viewer of one of its sessions is piped straight to the runtime's stream, and only a session
 * on another agent takes a tunnel.
 */
describe('the local stack pipes its viewers straight to the runtime (one hop)', () => {
  let dataDir: string;
  let stack: LocalStack;
  let admin: ApiClient;
  let server: Server;
  const runtime = new ReaderRuntime();
  /** What the stand-in VNC server does with each connection; echo unless a test says otherwise. */
  let onSocket: (socket: Socket) => void = (socket) => socket.pipe(socket);

  beforeAll(async () => {
    server = createServer((socket) => {
      socket.on('error', () => {});
      onSocket(socket);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    runtime.streamPort = (server.address() as AddressInfo).port;
    dataDir = await mkdtemp(join(tmpdir(), 'ss-streams-'));
    const config = configFromEnv(
      { STREAMSPACE_DATA_DIR: dataDir, STREAMSPACE_ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'silent' },
      appPaths(findAppRoot(fileURLToPath(new URL('.', import.meta.url)))),
    );
    stack = await startLocalStack(config, createLogger('silent'), {
      port: 0,
      host: '127.0.0.1',
      runtime: undefined,
      maxSessions: 1,
      runtimeInstance: runtime,
    });
    const { accessToken } = await createApiClient({ baseUrl: stack.url }).login({
      body: { username: 'admin', password: PASSWORD },
    });
    admin = createApiClient({ baseUrl: stack.url, token: () => accessToken });
  });

  afterAll(async () => {
    await stack?.close();
    await new Promise((resolve) => server?.close(resolve));
    await rm(dataDir, { recursive: true, force: true });
  });

  async function running(): Promise<string> {
    const session = await admin.createSession({ body: { template: 'xterm' } });
    await eventually(
      async () => (await admin.getSession({ params: { name: session.name } })).state === 'running',
    );
    return session.name;
  }

  async function view(name: string): Promise<WebSocket> {
    const { ticket } = await admin.viewerTicket({ params: { name } });
    const viewer = new WebSocket(apiWebSocketUrl(stack.url, 'vnc', { params: { name }, query: { ticket } }));
    await once(viewer, 'open');
    return viewer;
  }

  async function echo(viewer: WebSocket, bytes: number): Promise<number> {
    let got = 0;
    const back = new Promise<void>((resolve) =>
      viewer.on('message', (d: Buffer) => {
        got += d.length;
        if (got >= bytes) resolve();
      }),
    );
    viewer.send(Buffer.alloc(bytes, 7));
    await back;
    return got;
  }

  it('carries a viewer of its own agent without a tunnel, and counts its bytes', async () => {
    const name = await running();
    const viewer = await view(name);
    expect(await echo(viewer, 300_000)).toBe(300_000);
    expect(runtime.opened).toEqual([name]);
    expect(stack.controlPlane.tunnels.requested).toBe(0);
    viewer.close();
    const metrics = await (await fetch(`${stack.url}/api/v1/metrics`)).text();
    expect(metrics).toMatch(/^streamspace_vnc_bytes_total\{direction="up"\} 300000$/m);
    expect(metrics).toMatch(/^streamspace_vnc_bytes_total\{direction="down"\} 300000$/m);
    await admin.terminateSession({ params: { name } });
  });

  it('closes the viewer with 4502 and the reason when the stream fails', async () => {
    const name = await running();
    onSocket = (socket) => socket.once('data', () => socket.resetAndDestroy());
    try {
      const viewer = await view(name);
      const closed = once(viewer, 'close');
      viewer.send(Buffer.from('key event'));
      const [code, reason] = (await closed) as [number, Buffer];
      expect(code).toBe(4502);
      expect(reason.toString()).toMatch(/^stream error: .*ECONNRESET/);
    } finally {
      onSocket = (socket) => socket.pipe(socket);
      await admin.terminateSession({ params: { name } });
    }
  });

  it('still tunnels a session that runs on another agent', async () => {
    const created = await stack.controlPlane.agents.create({
      name: 'elsewhere',
      runtime: 'local',
      maxSessions: 5,
      owner: 'admin',
      shared: true,
    });
    const remote = new ProtocolAgent(stack.url, created.agent.id, created.token);
    remote.onFrame = (frame) => {
      if (frame.type !== 'tunnel_open') return;
      const t = remote.openTunnel(frame.tunnelId);
      t.on('message', (d: Buffer) => t.send(d));
    };
    await remote.connect();
    try {
      // The local agent takes one session (maxSessions 1); the next goes elsewhere.
      const first = await running();
      const second = await running();
      const agents = await Promise.all(
        [first, second].map(async (name) => (await stack.controlPlane.store.get(name))?.agentId),
      );
      expect(agents).toContain(created.agent.id);
      expect(new Set(agents).size).toBe(2);
      for (const name of [first, second]) {
        const before = stack.controlPlane.tunnels.requested;
        const viewer = await view(name);
        expect(await echo(viewer, 1000)).toBe(1000);
        viewer.close();
        const onRemote = (await stack.controlPlane.store.get(name))?.agentId === created.agent.id;
        expect(stack.controlPlane.tunnels.requested - before).toBe(onRemote ? 1 : 0);
      }
    } finally {
      await remote.close();
    }
  });
});
