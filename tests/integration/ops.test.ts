import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { agentTunnelPath, SessionDto, type TokenPair, ViewerTicket } from '../../protocol';
import { ADMIN_PASSWORD, startTestBackend, type TestBackend } from '../support/backend';
import { eventually, ProtocolAgent } from '../support/protocol-agent';

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
    const created = await b.cp.agents.create('ops-agent', 'local', 5);
    agent = new ProtocolAgent(b.url, created.agent.id, created.token);
    await agent.connect();
    // Echo every tunnel back, as a session's VNC server would answer.
    agent.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; tunnelId?: string };
      if (frame.type !== 'tunnel_open' || !frame.tunnelId) return;
      const t = new WebSocket(`${b.url.replace(/^http/, 'ws')}${agentTunnelPath(frame.tunnelId)}`, {
        headers: { Authorization: `Bearer ${created.token}` },
      });
      t.on('message', (d: Buffer) => t.send(d));
    });
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
    const s = SessionDto.parse(
      await (await b.api('/sessions', { token: admin.accessToken, body: { template: 'xterm' } })).json(),
    );
    await eventually(async () => (await b.cp.store.get(s.name))?.state === 'running');
    const t = ViewerTicket.parse(
      await (
        await b.api(`/sessions/${s.name}/viewer-ticket`, { token: admin.accessToken, method: 'POST' })
      ).json(),
    );
    const viewer = new WebSocket(
      `${b.url.replace(/^http/, 'ws')}/api/v1/sessions/${s.name}/vnc?ticket=${t.ticket}`,
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
