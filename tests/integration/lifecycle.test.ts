import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  apiWebSocketUrl,
  CommandAccepted,
  HAPPY_PATH,
  ServerEvent,
  SessionDto,
  type TokenPair,
  ViewerTicket,
} from '../../protocol';
import { connectAgent, startTestBackend, type TestBackend } from '../support/backend';
import { dbKinds } from '../support/databases';
import { eventually } from '../support/eventually';
import type { ProtocolAgent } from '../support/protocol-agent';
import { createUser } from '../support/users';

describe.each(dbKinds())('session lifecycle on %s', (kind) => {
  let b: TestBackend;
  let admin: TokenPair;
  let alice: TokenPair;
  let agent: ProtocolAgent;

  const state = async (name: string) => (await b.cp.store.get(name))?.state;
  const launch = async (token: string, template = 'xterm') => {
    const res = await b.api('/sessions', { token, body: { template } });
    expect(res.status).toBe(202);
    return SessionDto.parse(await res.json());
  };

  beforeAll(async () => {
    b = await startTestBackend(kind, { STREAMSPACE_MAX_SESSIONS_PER_USER: '3' });
    admin = await b.login();
    alice = await createUser(b, admin.accessToken, 'alice');
    agent = await connectAgent(b, 'lifecycle-agent', 50);
  });
  afterAll(async () => {
    await agent?.close();
    await b?.close();
  });

  it('walks running → hibernated → running → terminated, each step persisted and pushed on /events', async () => {
    const events: ServerEvent[] = [];
    const ws = new WebSocket(apiWebSocketUrl(b.url, 'events'));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'auth', token: alice.accessToken }));
    ws.on('message', (d) => events.push(ServerEvent.parse(JSON.parse(d.toString()))));
    await eventually(async () => events.some((e) => e.type === 'ready'));

    const s = await launch(alice.accessToken);
    await eventually(async () => (await state(s.name)) === 'running', 5000, 'running');

    const hib = await b.api(`/sessions/${s.name}/hibernate`, { token: alice.accessToken, method: 'POST' });
    expect(hib.status).toBe(202);
    expect(CommandAccepted.parse(await hib.json()).commandId).toMatch(/[0-9a-f-]{36}/);
    await eventually(async () => (await state(s.name)) === 'hibernated', 5000, 'hibernated');

    // Wrong-state requests are conflicts.
    expect(
      (await b.api(`/sessions/${s.name}/hibernate`, { token: alice.accessToken, method: 'POST' })).status,
    ).toBe(409);

    expect(
      (await b.api(`/sessions/${s.name}/wake`, { token: alice.accessToken, method: 'POST' })).status,
    ).toBe(202);
    await eventually(async () => (await state(s.name)) === 'running', 5000, 'woken');
    expect(
      (await b.api(`/sessions/${s.name}/wake`, { token: alice.accessToken, method: 'POST' })).status,
    ).toBe(409);

    expect((await b.api(`/sessions/${s.name}`, { token: alice.accessToken, method: 'DELETE' })).status).toBe(
      202,
    );
    await eventually(async () => (await state(s.name)) === 'terminated', 5000, 'terminated');

    const statesSeen = () =>
      events.flatMap((e) => (e.type === 'session' && e.session.name === s.name ? [e.session.state] : []));
    // The database is written first, the event follows: wait for it to arrive.
    await eventually(async () => statesSeen().includes('terminated'), 5000, 'terminated event');
    const seen = statesSeen();
    expect(seen).toEqual(HAPPY_PATH);
    ws.close();
  });

  it('fails a session whose start the agent reports as failed, with the message', async () => {
    agent.autoReply = (c) =>
      c.action === 'start_session'
        ? { ok: false, state: 'failed', message: 'Xvnc exited: no display' }
        : { ok: true, state: 'terminated' };
    const s = await launch(alice.accessToken);
    await eventually(async () => (await state(s.name)) === 'failed');
    expect((await b.cp.store.get(s.name))?.message).toBe('Xvnc exited: no display');
    agent.autoReply = (c) => ({
      ok: true,
      state:
        c.action === 'stop_session'
          ? 'terminated'
          : c.action === 'hibernate_session'
            ? 'hibernated'
            : 'running',
    });
    // A failed session can still be cleaned up.
    expect((await b.api(`/sessions/${s.name}`, { token: alice.accessToken, method: 'DELETE' })).status).toBe(
      202,
    );
    await eventually(async () => (await state(s.name)) === 'terminated');
  });

  it('records an app that exits by itself as terminated', async () => {
    const s = await launch(alice.accessToken);
    await eventually(async () => (await state(s.name)) === 'running');
    agent.send({
      type: 'session_status',
      name: s.name,
      state: 'terminated',
      message: 'xterm exited with code 0',
    });
    await eventually(async () => (await state(s.name)) === 'terminated');
  });

  it('caps concurrent sessions per user with a clear 403', async () => {
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push(await launch(alice.accessToken));
    const res = await b.api('/sessions', { token: alice.accessToken, body: { template: 'xterm' } });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('quota_exceeded');
    expect(body.error.message).toMatch(/3 sessions/);
    for (const s of mine) await b.api(`/sessions/${s.name}`, { token: alice.accessToken, method: 'DELETE' });
    await eventually(async () => (await b.cp.store.countLiveForUser(alice.user.id)) === 0);
    expect((await b.api('/sessions', { token: alice.accessToken, body: { template: 'xterm' } })).status).toBe(
      202,
    );
  });

  it('answers 503 with a message when no agent can take the session', async () => {
    await agent.close();
    // Placement reads the agent's row, which goes offline a moment after its socket closes.
    await eventually(async () => (await b.cp.agents.get(agent.agentId))?.status === 'offline');
    const res = await b.api('/sessions', { token: admin.accessToken, body: { template: 'xterm' } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/no agent/);
    await agent.connect(
      (await b.cp.store.liveOnAgent(agent.agentId)).map((s) => ({ name: s.name, state: 'running' as const })),
    );
  });
});

describe('idle hibernation', () => {
  let b: TestBackend;
  afterAll(async () => b?.close());

  it('hibernates a running session nobody watches, and a viewer ticket wakes it', async () => {
    // 0.02 minutes = 1.2 s idle.
    b = await startTestBackend('pglite', { STREAMSPACE_IDLE_HIBERNATE_MINUTES: '0.02' });
    const admin = await b.login();
    const adminApi = b.client(admin.accessToken);
    const agent = await connectAgent(b, 'idle-agent', 5);
    const s = await adminApi.createSession({ body: { template: 'xterm' } });
    await eventually(async () => (await b.cp.store.get(s.name))?.state === 'running');
    await eventually(
      async () => (await b.cp.store.get(s.name))?.state === 'hibernated',
      10_000,
      'idle hibernation',
    );
    const audit = await adminApi.audit();
    expect(audit.entries.some((e) => e.action === 'session.idle_hibernate' && e.target === s.name)).toBe(
      true,
    );
    const ticket = await b.api(`/sessions/${s.name}/viewer-ticket`, {
      token: admin.accessToken,
      method: 'POST',
    });
    expect(ticket.status).toBe(200);
    // The wake comes when the viewer connects with the ticket, not when the ticket is issued.
    const { ticket: t } = ViewerTicket.parse(await ticket.json());
    const viewer = new WebSocket(
      apiWebSocketUrl(b.url, 'vnc', { params: { name: s.name }, query: { ticket: t } }),
    );
    viewer.on('error', () => {});
    await eventually(
      async () => (await b.cp.store.get(s.name))?.state === 'running',
      5000,
      'woken by viewer',
    );
    viewer.close();
    await agent.close();
  });

  it('is off with 0', async () => {
    const c = await startTestBackend('pglite', { STREAMSPACE_IDLE_HIBERNATE_MINUTES: '0' });
    expect(await c.cp.sessions.hibernateIdle(Date.now() + 10 * 365 * 24 * 3600 * 1000)).toEqual([]);
    await c.close();
  });
});
