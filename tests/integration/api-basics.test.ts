import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiErrorBody, SessionDto, TemplateList, type TokenPair, ViewerTicket } from '../../protocol';
import { startTestBackend, type TestBackend } from '../support/backend';
import { dbKinds } from '../support/databases';
import { eventually, ProtocolAgent } from '../support/protocol-agent';

async function expectError(res: Response, status: number, code?: string) {
  expect(res.status).toBe(status);
  const body = ApiErrorBody.parse(await res.json());
  if (code) expect(body.error.code).toBe(code);
  return body;
}

/** Opens a WebSocket and resolves with the HTTP status of a refused upgrade, or 101. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

describe.each(dbKinds())('control plane basics on %s', (kind) => {
  let b: TestBackend;
  let admin: TokenPair;
  let agent: ProtocolAgent;

  beforeAll(async () => {
    b = await startTestBackend(kind);
    admin = await b.login();
    const created = await b.cp.agents.create('test-agent', 'local', 10);
    agent = new ProtocolAgent(b.url, created.agent.id, created.token);
    await agent.connect();
  });
  afterAll(async () => {
    await agent?.close();
    await b?.close();
  });

  it('logs the admin in and answers /me', async () => {
    expect(admin.user).toMatchObject({ username: 'admin', role: 'admin' });
    const me = await b.api('/me', { token: admin.accessToken });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { username: string }).username).toBe('admin');
  });

  it('refuses a wrong password with 401', async () => {
    await expectError(
      await b.api('/auth/login', { body: { username: 'admin', password: 'nope' } }),
      401,
      'unauthorized',
    );
    await expectError(
      await b.api('/auth/login', { body: { username: 'ghost', password: 'nope' } }),
      401,
      'unauthorized',
    );
  });

  it('refuses a missing or invalid token with 401', async () => {
    await expectError(await b.api('/sessions'), 401, 'unauthorized');
    await expectError(await b.api('/sessions', { token: 'not-a-real-token-at-all' }), 401, 'unauthorized');
    const tampered = `${admin.accessToken.slice(0, -4)}AAAA`;
    await expectError(await b.api('/templates', { token: tampered }), 401, 'unauthorized');
  });

  it('answers an unknown template with 404', async () => {
    await expectError(
      await b.api('/sessions', { token: admin.accessToken, body: { template: 'no-such-app' } }),
      404,
      'not_found',
    );
    await expectError(await b.api('/templates/no-such-app', { token: admin.accessToken }), 404, 'not_found');
  });

  it('answers malformed JSON and wrong bodies with 400 and a JSON error', async () => {
    await expectError(
      await b.api('/sessions', { token: admin.accessToken, rawBody: '{"template": ' }),
      400,
      'invalid_request',
    );
    await expectError(
      await b.api('/sessions', { token: admin.accessToken, body: { template: 42 } }),
      400,
      'invalid_request',
    );
    await expectError(
      await b.api('/sessions', { token: admin.accessToken, body: {} }),
      400,
      'invalid_request',
    );
    const extra = await expectError(
      await b.api('/sessions', {
        token: admin.accessToken,
        body: { template: 'xterm', user: 'someone-else' },
      }),
      400,
    );
    expect(extra.error.message).toMatch(/unrecognized|user/i);
    await expectError(await b.api('/auth/login', { rawBody: 'null' }), 400, 'invalid_request');
    await expectError(await b.api('/auth/login', { body: { username: 'admin' } }), 400, 'invalid_request');
  });

  it('lists the templates the catalog offers', async () => {
    const res = await b.api('/templates', { token: admin.accessToken });
    const list = TemplateList.parse(await res.json());
    expect(list.templates.map((t) => t.name)).toEqual(
      expect.arrayContaining(['xterm', 'firefox', 'chromium']),
    );
    const filtered = TemplateList.parse(
      await (await b.api('/templates?q=browser', { token: admin.accessToken })).json(),
    );
    expect(filtered.templates.map((t) => t.name)).not.toContain('xterm');
  });

  it('creates, lists, gets and deletes a session through the agent', async () => {
    const res = await b.api('/sessions', { token: admin.accessToken, body: { template: 'xterm' } });
    expect(res.status).toBe(202);
    const created = SessionDto.parse(await res.json());
    expect(created.name).toMatch(/^admin-xterm-[0-9a-f]{8}$/);
    expect(created.user).toBe('admin');
    const start = await agent.command('start_session');
    expect(start.session.name).toBe(created.name);
    expect(start.session.local?.command[0]).toBe('xterm');
    await eventually(async () => {
      const s = SessionDto.parse(
        await (await b.api(`/sessions/${created.name}`, { token: admin.accessToken })).json(),
      );
      return s.state === 'running';
    });
    const list = (await (await b.api('/sessions', { token: admin.accessToken })).json()) as {
      sessions: SessionDto[];
    };
    expect(list.sessions.map((s) => s.name)).toContain(created.name);
    const del = await b.api(`/sessions/${created.name}`, { token: admin.accessToken, method: 'DELETE' });
    expect(del.status).toBe(202);
    await agent.command('stop_session');
    await eventually(async () => {
      const s = SessionDto.parse(
        await (await b.api(`/sessions/${created.name}`, { token: admin.accessToken })).json(),
      );
      return s.state === 'terminated';
    });
    // Terminated is final: a second delete is a state conflict, not a crash.
    await expectError(
      await b.api(`/sessions/${created.name}`, { token: admin.accessToken, method: 'DELETE' }),
      409,
      'conflict',
    );
  });

  it('answers an agent frame that fails its schema with an error, and keeps going', async () => {
    const before = agent.errors.length;
    agent.sendRaw('this is not json');
    agent.send({ type: 'heartbeat', activeSessions: 'many', load: 0 });
    agent.send({ type: 'launch_missiles' });
    agent.send({ type: 'result', commandId: 'x', ok: true, state: 'running', message: 'x', extra: 1 });
    agent.sendRaw(Buffer.from([0, 1, 2, 3]));
    await eventually(async () => agent.errors.length >= before + 5, 5000, 'five error frames');
    expect(agent.errors.slice(before).every((e) => e.length > 0)).toBe(true);
    // Still alive and still serving.
    agent.send({ type: 'heartbeat', activeSessions: 0, load: 0.1 });
    const health = await b.api('/healthz');
    expect(health.status).toBe(200);
    expect(b.cp.hub.isConnected(agent.agentId)).toBe(true);
  });

  it('refuses a reused, expired, or foreign viewer ticket', async () => {
    const res = await b.api('/sessions', { token: admin.accessToken, body: { template: 'xterm' } });
    const s = SessionDto.parse(await res.json());
    await eventually(async () => (await b.cp.store.get(s.name))?.state === 'running');
    const t = ViewerTicket.parse(
      await (
        await b.api(`/sessions/${s.name}/viewer-ticket`, { token: admin.accessToken, method: 'POST' })
      ).json(),
    );
    expect(t.vncPassword).toMatch(/^[A-Za-z0-9]{8}$/);
    const ws = b.url.replace(/^http/, 'ws');
    // The agent never opens the tunnel here; the upgrade itself is what is under test.
    agent.autoReply = null;
    expect(await upgradeStatus(`${ws}/api/v1/sessions/${s.name}/vnc?ticket=${t.ticket}`)).toBe(101);
    expect(await upgradeStatus(`${ws}/api/v1/sessions/${s.name}/vnc?ticket=${t.ticket}`)).toBe(401);
    expect(await upgradeStatus(`${ws}/api/v1/sessions/${s.name}/vnc?ticket=${'x'.repeat(43)}`)).toBe(401);
    expect(await upgradeStatus(`${ws}/api/v1/sessions/${s.name}/vnc`)).toBe(400);
    // A bearer token is no substitute for a ticket.
    expect(
      await upgradeStatus(`${ws}/api/v1/sessions/${s.name}/vnc`, {
        Authorization: `Bearer ${admin.accessToken}`,
      }),
    ).toBe(400);
    agent.autoReply = (c) => ({ ok: true, state: c.action === 'stop_session' ? 'terminated' : 'running' });
  });

  it('refuses an expired viewer ticket', async () => {
    const s = (await b.cp.store.list({})).find((x) => x.state === 'running');
    expect(s).toBeDefined();
    const owner = (await b.cp.auth.findUser('admin'))!;
    const t = b.cp.tickets.issue({ userId: owner.id, sessionName: s!.name }, 1);
    await new Promise((r) => setTimeout(r, 20));
    const ws = b.url.replace(/^http/, 'ws');
    expect(await upgradeStatus(`${ws}/api/v1/sessions/${s!.name}/vnc?ticket=${t.ticket}`)).toBe(401);
  });
});
