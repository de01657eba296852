import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, ApiErrorBody, apiWebSocketUrl, SessionDto, type TokenPair } from '../../protocol';
import { connectAgent, startTestBackend, type TestBackend } from '../support/backend';
import { dbKinds } from '../support/databases';
import { eventually } from '../support/eventually';
import type { ProtocolAgent } from '../support/protocol-agent';
import { upgradeStatus } from '../support/ws';

async function expectError(res: Response, status: number, code?: string) {
  expect(res.status).toBe(status);
  const body = ApiErrorBody.parse(await res.json());
  if (code) expect(body.error.code).toBe(code);
  return body;
}

describe.each(dbKinds())('control plane basics on %s', (kind) => {
  let b: TestBackend;
  let admin: TokenPair;
  let adminApi: ApiClient;
  let agent: ProtocolAgent;

  beforeAll(async () => {
    b = await startTestBackend(kind);
    admin = await b.login();
    adminApi = b.client(admin.accessToken);
    agent = await connectAgent(b, 'test-agent', 10);
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
    const list = await adminApi.listTemplates();
    expect(list.templates.map((t) => t.name)).toEqual(
      expect.arrayContaining(['xterm', 'firefox', 'chromium']),
    );
    const filtered = await adminApi.listTemplates({ query: { q: 'browser' } });
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
    const stateOf = async () => (await adminApi.getSession({ params: { name: created.name } })).state;
    await eventually(async () => (await stateOf()) === 'running');
    const list = await adminApi.listSessions();
    expect(list.sessions.map((s) => s.name)).toContain(created.name);
    const del = await b.api(`/sessions/${created.name}`, { token: admin.accessToken, method: 'DELETE' });
    expect(del.status).toBe(202);
    await agent.command('stop_session');
    await eventually(async () => (await stateOf()) === 'terminated');
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
    expect(b.cp.connections.isConnected(agent.agentId)).toBe(true);
  });

  it('refuses a reused, expired, or foreign viewer ticket', async () => {
    const s = await adminApi.createSession({ body: { template: 'xterm' } });
    await eventually(async () => (await b.cp.store.get(s.name))?.state === 'running');
    const t = await adminApi.viewerTicket({ params: { name: s.name } });
    expect(t.vncPassword).toMatch(/^[A-Za-z0-9]{8}$/);
    const vnc = (ticket?: string) =>
      apiWebSocketUrl(b.url, 'vnc', { params: { name: s.name }, query: ticket ? { ticket } : undefined });
    // The agent never opens the tunnel here; the upgrade itself is what is under test.
    agent.autoReply = null;
    expect(await upgradeStatus(vnc(t.ticket))).toBe(101);
    expect(await upgradeStatus(vnc(t.ticket))).toBe(401);
    expect(await upgradeStatus(vnc('x'.repeat(43)))).toBe(401);
    expect(await upgradeStatus(vnc())).toBe(400);
    // A bearer token is no substitute for a ticket.
    expect(await upgradeStatus(vnc(), { Authorization: `Bearer ${admin.accessToken}` })).toBe(400);
    agent.autoReply = (c) => ({ ok: true, state: c.action === 'stop_session' ? 'terminated' : 'running' });
  });

  it('refuses an expired viewer ticket', async () => {
    const s = (await b.cp.store.list({})).find((x) => x.state === 'running');
    expect(s).toBeDefined();
    const owner = (await b.cp.auth.findUser('admin'))!;
    const signIn = b.cp.auth.revocations.signInOf(admin.accessToken, owner.id);
    const t = b.cp.tickets.issue({ userId: owner.id, sessionName: s!.name, signIn }, 1);
    await new Promise((r) => setTimeout(r, 20));
    const url = apiWebSocketUrl(b.url, 'vnc', { params: { name: s!.name }, query: { ticket: t.ticket } });
    expect(await upgradeStatus(url)).toBe(401);
  });
});
