import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { apiWebSocketUrl, type TokenPair } from '../../protocol';
import { ADMIN_PASSWORD, connectAgent, startTestBackend, type TestBackend } from '../support/backend';
import { eventually } from '../support/eventually';
import type { ProtocolAgent } from '../support/protocol-agent';

describe('operations: health, readiness, metrics and logs', () => {
  let b: TestBackend;
  let admin: TokenPair;
  let agent: ProtocolAgent;
  const logs: string[] = [];

  beforeAll(async () => {
    b = await startTestBackend('pglite', { LOG_LEVEL: 'debug' }, undefined, {
      write: (line) => logs.push(line),
    });
    admin = await b.login();
    await b.api('/auth/login', { body: { username: 'admin', password: 'wrong-password-123' } });
    agent = await connectAgent(b, 'ops-agent', 5);
    // Echo every tunnel back, as a session's VNC server would answer.
    agent.onFrame = (frame) => {
      if (frame.type !== 'tunnel_open') return;
      const t = agent.openTunnel(frame.tunnelId);
      t.on('message', (d: Buffer) => t.send(d));
    };
  });
  afterAll(async () => {
    await agent?.close();
    await b?.close();
  });

  it('answers healthz and readyz', async () => {
    expect(await (await b.api('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await b.api('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: 'ok', agentsOnline: 1 });
  });

  it('counts sessions by state, agents online, command latency and VNC bytes', async () => {
    const adminApi = b.client(admin.accessToken);
    const s = await adminApi.createSession({ body: { template: 'xterm' } });
    await eventually(async () => (await b.cp.store.get(s.name))?.state === 'running');
    const t = await adminApi.viewerTicket({ params: { name: s.name } });
    const viewer = new WebSocket(
      apiWebSocketUrl(b.url, 'vnc', { params: { name: s.name }, query: { ticket: t.ticket } }),
    );
    await new Promise((r) => viewer.once('open', r));
    const echoed = new Promise<Buffer>((r) => viewer.once('message', (d: Buffer) => r(d)));
    viewer.send(Buffer.alloc(1000, 1));
    expect((await echoed).length).toBe(1000);
    viewer.close();

    const text = await (await b.api('/metrics')).text();
    expect(text).toMatch(/^streamspace_sessions\{state="running"\} 1$/m);
    expect(text).toMatch(/^streamspace_agents_online 1$/m);
    expect(text).toMatch(/^streamspace_command_dispatch_seconds_count\{action="start_session"\} 1$/m);
    expect(text).toMatch(/^streamspace_vnc_bytes_total\{direction="up"\} 1000$/m);
    expect(text).toMatch(/^streamspace_vnc_bytes_total\{direction="down"\} 1000$/m);
  });

  it('writes structured logs with no secret in them', async () => {
    expect(logs.length).toBeGreaterThan(3);
    for (const line of logs) expect(() => JSON.parse(line)).not.toThrow();
    const all = logs.join('\n');
    expect(all).toContain('login failed');
    for (const secret of [
      ADMIN_PASSWORD,
      'wrong-password-123',
      admin.accessToken,
      admin.refreshToken,
      agent.token.split('.')[1] ?? '',
    ]) {
      expect(all).not.toContain(secret);
    }
    for (const s of await b.cp.store.list({})) expect(all).not.toContain(s.vncPassword);
  });
});
