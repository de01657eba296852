import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../backend/auth/secrets';
import { type ApiClient, CreatedAgent, type TokenPair } from '../../protocol';
import { startTestBackend, type TestBackend } from '../support/backend';
import { dbKinds } from '../support/databases';
import { eventually } from '../support/eventually';
import { ProtocolAgent } from '../support/protocol-agent';
import { createUser } from '../support/users';

describe.each(dbKinds())('agents and durable commands on %s', (kind) => {
  let b: TestBackend;
  let admin: TokenPair;
  let adminApi: ApiClient;
  const open: ProtocolAgent[] = [];

  async function newAgent(name: string, maxSessions = 10) {
    const res = await b.api('/agents', {
      token: admin.accessToken,
      body: { name, runtime: 'local', maxSessions, owner: 'admin' },
    });
    expect(res.status).toBe(201);
    const created = CreatedAgent.parse(await res.json());
    const a = new ProtocolAgent(b.url, created.agent.id, created.token);
    open.push(a);
    return { agent: a, created };
  }
  const launch = () => adminApi.createSession({ body: { template: 'xterm' } });
  const state = async (name: string) => (await b.cp.store.get(name))?.state;

  beforeAll(async () => {
    b = await startTestBackend(kind, {
      STREAMSPACE_HEARTBEAT_SECONDS: '1',
      STREAMSPACE_START_TIMEOUT_SECONDS: '2',
      STREAMSPACE_MAX_SESSIONS_PER_USER: '100',
    });
    admin = await b.login();
    adminApi = b.client(admin.accessToken);
  });
  afterEach(async () => {
    for (const a of open.splice(0)) await a.close().catch(() => {});
    // Revoke every agent so the next test places sessions only on its own.
    for (const a of await b.cp.agents.list()) if (!a.revokedAt) await b.cp.agents.revoke(a.id);
  });
  afterAll(async () => b?.close());

  it('shows the token once and keeps only its hash', async () => {
    const { created } = await newAgent('token-agent');
    const [id, secret] = created.token.split('.');
    expect(id).toBe(created.agent.id);
    const row = await b.cp.agents.get(created.agent.id);
    expect(row?.tokenHash).toBe(hashSecret(secret ?? ''));
    expect(row?.tokenHash).not.toContain(secret);
    const list = await adminApi.listAgents();
    expect(JSON.stringify(list)).not.toContain(secret);
  });

  it('refuses a wrong agent token and a hello for another agent id', async () => {
    const { agent, created } = await newAgent('strict-agent');
    const wrong = new ProtocolAgent(b.url, created.agent.id, `${created.agent.id}.not-the-secret`);
    await expect(wrong.connect()).rejects.toThrow(/401/);
    const impostor = new ProtocolAgent(b.url, 'someone-else', created.token);
    await expect(impostor.connect()).rejects.toThrow();
    await agent.connect();
    expect(b.cp.connections.isConnected(created.agent.id)).toBe(true);
  });

  it('disconnects a revoked agent at once and refuses it afterwards', async () => {
    const { agent, created } = await newAgent('revoked-agent');
    await agent.connect();
    const closed = new Promise((r) => agent.ws.once('close', r));
    expect(
      (await b.api(`/agents/${created.agent.id}`, { token: admin.accessToken, method: 'DELETE' })).status,
    ).toBe(200);
    await closed;
    await expect(agent.connect()).rejects.toThrow(/401/);
  });

  it('marks an agent offline after three missed heartbeats', async () => {
    const { agent, created } = await newAgent('quiet-agent');
    agent.heartbeats = false;
    await agent.connect();
    expect((await b.cp.agents.get(created.agent.id))?.status).toBe('online');
    // Interval is 1 s; say nothing for well over 3 intervals.
    await eventually(
      async () => (await b.cp.agents.get(created.agent.id))?.status === 'offline',
      10_000,
      'offline',
    );
  });

  it('stores the active-session count the heartbeat reports', async () => {
    const { agent, created } = await newAgent('counting-agent');
    agent.heartbeats = false;
    await agent.connect();
    agent.send({ type: 'heartbeat', activeSessions: 7, load: 0.5 });
    await eventually(async () => (await b.cp.agents.get(created.agent.id))?.activeSessions === 7);
    const list = await adminApi.listAgents();
    expect(list.agents.find((a) => a.id === created.agent.id)?.activeSessions).toBe(7);
  });

  it('keeps a registered local-runtime agent to the user named when it was made', async () => {
    const carol = await createUser(b, admin.accessToken, `carol-${kind}`);
    const bare = await b.api('/agents', {
      token: admin.accessToken,
      body: { name: 'ownerless', runtime: 'local' },
    });
    expect(bare.status).toBe(400);
    expect(JSON.stringify(await bare.json())).toMatch(/owner/);
    const res = await b.api('/agents', {
      token: admin.accessToken,
      body: { name: 'carols-agent', runtime: 'local', owner: carol.user.username },
    });
    expect(res.status).toBe(201);
    const created = CreatedAgent.parse(await res.json());
    expect(created.agent).toMatchObject({ owner: carol.user.username, shared: false, warning: null });
    const agent = new ProtocolAgent(b.url, created.agent.id, created.token);
    open.push(agent);
    await agent.connect();
    expect((await b.client(carol.accessToken).createSession({ body: { template: 'xterm' } })).agentId).toBe(
      created.agent.id,
    );
    // Not even an admin's session goes onto another user's local-runtime agent.
    const refused = await b.api('/sessions', { token: admin.accessToken, body: { template: 'xterm' } });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /no agent can run xterm for you/,
    );
  });

  it('lets a kubernetes agent serve everyone, and gives it no owner to share', async () => {
    const withOwner = await b.api('/agents', {
      token: admin.accessToken,
      body: { name: 'kube-owned', runtime: 'kubernetes', owner: 'admin' },
    });
    expect(withOwner.status).toBe(400);
    const res = await b.api('/agents', {
      token: admin.accessToken,
      body: { name: 'kube', runtime: 'kubernetes' },
    });
    expect(res.status).toBe(201);
    const created = CreatedAgent.parse(await res.json());
    expect(created.agent).toMatchObject({ owner: null, shared: false });
    const agent = new ProtocolAgent(b.url, created.agent.id, created.token, { runtime: 'kubernetes' });
    open.push(agent);
    await agent.connect();
    const dave = await createUser(b, admin.accessToken, `dave-${kind}`);
    expect((await b.client(dave.accessToken).createSession({ body: { template: 'xterm' } })).agentId).toBe(
      created.agent.id,
    );
    const share = await b.api(`/agents/${created.agent.id}`, {
      token: admin.accessToken,
      method: 'PATCH',
      body: { shared: true },
    });
    expect(share.status).toBe(400);
  });

  it('places sessions on the agent with the fewest, never past maxSessions', async () => {
    const a = await newAgent('place-a', 2);
    const c = await newAgent('place-b', 1);
    await a.agent.connect();
    await c.agent.connect();
    const placed: string[] = [];
    for (let i = 0; i < 3; i++) placed.push((await launch()).agentId ?? '');
    expect(placed.filter((x) => x === a.created.agent.id)).toHaveLength(2);
    expect(placed.filter((x) => x === c.created.agent.id)).toHaveLength(1);
    const full = await b.api('/sessions', { token: admin.accessToken, body: { template: 'xterm' } });
    expect(full.status).toBe(503);
    expect(((await full.json()) as { error: { message: string } }).error.message).toMatch(/capacity/);
  });

  it('re-sends unfinished commands after a reconnect, in order, until a result comes', async () => {
    const { agent } = await newAgent('flaky-agent');
    agent.autoReply = null;
    await agent.connect();
    const s = await launch();
    const first = await agent.command('start_session');
    agent.send({ type: 'ack', commandId: first.commandId });
    // The connection drops before the result.
    await agent.close();
    await agent.connect([]);
    const again = await agent.command('start_session');
    expect(again.commandId).toBe(first.commandId);
    agent.send({ type: 'result', commandId: again.commandId, ok: true, state: 'running', message: '' });
    await eventually(async () => (await state(s.name)) === 'running');
    // A duplicate result for a finished command changes nothing.
    agent.send({ type: 'result', commandId: again.commandId, ok: false, state: 'failed', message: 'late' });
    // Then hibernate and stop queue behind each other.
    await adminApi.hibernateSession({ params: { name: s.name } });
    const hib = await agent.command('hibernate_session');
    await expect(agent.command('stop_session', 300)).rejects.toThrow(/timed out/);
    expect(await state(s.name)).toBe('hibernating');
    agent.send({ type: 'result', commandId: hib.commandId, ok: true, state: 'hibernated', message: '' });
    await eventually(async () => (await state(s.name)) === 'hibernated');
  });

  it('fails a command, and its session, when no result comes by the deadline', async () => {
    const { agent } = await newAgent('silent-agent');
    agent.autoReply = null;
    await agent.connect();
    const s = await launch();
    await agent.command('start_session');
    // Start deadline is 2 s in this backend.
    await eventually(async () => (await state(s.name)) === 'failed', 5000, 'failed');
    expect((await b.cp.store.get(s.name))?.message).toMatch(/within 2 s/);
  });

  it('reconciles on hello: missing sessions fail, unknown ones are stopped', async () => {
    const { agent } = await newAgent('reconcile-agent');
    await agent.connect();
    const s = await launch();
    await eventually(async () => (await state(s.name)) === 'running');
    await agent.close();
    const stops: string[] = [];
    agent.autoReply = (c) => {
      if (c.action === 'stop_session') stops.push(c.name);
      return { ok: true, state: 'terminated' };
    };
    await agent.connect([{ name: 'stranger-xterm-0badf00d', state: 'running' }]);
    await eventually(async () => (await state(s.name)) === 'failed', 5000, 'failed');
    expect((await b.cp.store.get(s.name))?.message).toMatch(/no longer runs/);
    await eventually(
      async () => stops.includes('stranger-xterm-0badf00d'),
      5000,
      'stop of the unknown session',
    );
  });

  it('ignores frames about sessions of other agents', async () => {
    const one = await newAgent('owner-agent');
    const two = await newAgent('meddling-agent');
    await one.agent.connect();
    const s = await launch();
    await eventually(async () => (await state(s.name)) === 'running');
    await two.agent.connect();
    two.agent.send({ type: 'session_status', name: s.name, state: 'failed', message: 'pwned' });
    const { commandId } = await adminApi.hibernateSession({ params: { name: s.name } });
    const cmd = (await b.cp.commands.get(commandId))!;
    two.agent.send({ type: 'result', commandId: cmd.id, ok: false, state: 'failed', message: 'pwned' });
    await eventually(async () => (await state(s.name)) === 'hibernated');
    expect((await b.cp.store.get(s.name))?.message).not.toContain('pwned');
  });
});
