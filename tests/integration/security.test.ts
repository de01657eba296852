import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { apiWebSocketUrl, ServerEvent, type SessionDto, TokenPair } from '../../protocol';
import { connectAgent, startTestBackend, type TestBackend } from '../support/backend';
import { dbKinds } from '../support/databases';
import { eventually } from '../support/eventually';
import type { ProtocolAgent } from '../support/protocol-agent';
import { createUser } from '../support/users';

describe.each(dbKinds())('multi-user security on %s', (kind) => {
  let b: TestBackend;
  let admin: TokenPair;
  let alice: TokenPair;
  let bob: TokenPair;
  let agent: ProtocolAgent;
  let aliceSession: SessionDto;

  beforeAll(async () => {
    b = await startTestBackend(kind);
    admin = await b.login();
    alice = await createUser(b, admin.accessToken, 'alice');
    bob = await createUser(b, admin.accessToken, 'bob');
    agent = await connectAgent(b, 'sec-agent', 50);
    aliceSession = await b.client(alice.accessToken).createSession({ body: { template: 'xterm' } });
    await eventually(async () => (await b.cp.store.get(aliceSession.name))?.state === 'running');
  });
  afterAll(async () => {
    await agent?.close();
    await b?.close();
  });

  it('lets a user see and act on their own sessions only', async () => {
    const bobs = await b.client(bob.accessToken).listSessions();
    expect(bobs.sessions).toEqual([]);
    const n = aliceSession.name;
    expect((await b.api(`/sessions/${n}`, { token: bob.accessToken })).status).toBe(403);
    expect((await b.api(`/sessions/${n}/hibernate`, { token: bob.accessToken, method: 'POST' })).status).toBe(
      403,
    );
    expect((await b.api(`/sessions/${n}/wake`, { token: bob.accessToken, method: 'POST' })).status).toBe(403);
    expect(
      (await b.api(`/sessions/${n}/viewer-ticket`, { token: bob.accessToken, method: 'POST' })).status,
    ).toBe(403);
    expect((await b.api(`/sessions/${n}`, { token: bob.accessToken, method: 'DELETE' })).status).toBe(403);
    expect((await b.api('/sessions?all=true', { token: bob.accessToken })).status).toBe(403);
    expect((await b.cp.store.get(n))?.state).toBe('running');
  });

  it('lets an admin see and act on any session', async () => {
    const all = await b.client(admin.accessToken).listSessions({ query: { all: 'true' } });
    expect(all.sessions.map((s) => s.name)).toContain(aliceSession.name);
    expect((await b.api(`/sessions/${aliceSession.name}`, { token: admin.accessToken })).status).toBe(200);
  });

  it('takes the owner from the token, never from the body', async () => {
    const res = await b.api('/sessions', {
      token: bob.accessToken,
      body: { template: 'xterm', user: 'alice' },
    });
    expect(res.status).toBe(400);
    const ok = await b.client(bob.accessToken).createSession({ body: { template: 'xterm' } });
    expect(ok.user).toBe('bob');
  });

  it('keeps user and agent management and the audit log for admins', async () => {
    for (const [method, path, body] of [
      ['GET', '/users', undefined],
      ['POST', '/users', { username: 'mallory', password: 'password-123', role: 'admin' }],
      ['GET', '/agents', undefined],
      ['POST', '/agents', { name: 'rogue', runtime: 'local' }],
      ['GET', '/audit', undefined],
    ] as const) {
      const res = await b.api(path, { token: bob.accessToken, method, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    // Bob cannot make himself admin.
    const self = await b.api(`/users/${bob.user.id}`, {
      token: bob.accessToken,
      method: 'PATCH',
      body: { role: 'admin' },
    });
    expect(self.status).toBe(403);
    expect((await b.cp.auth.findUser('bob'))?.role).toBe('user');
  });

  it('applies a role change at once, without a new login', async () => {
    const carol = await createUser(b, admin.accessToken, 'carol');
    expect((await b.api('/users', { token: carol.accessToken })).status).toBe(403);
    const promoted = await b.api(`/users/${carol.user.id}`, {
      token: admin.accessToken,
      method: 'PATCH',
      body: { role: 'admin' },
    });
    expect(promoted.status).toBe(200);
    expect((await b.api('/users', { token: carol.accessToken })).status).toBe(200);
  });

  it('stores passwords hashed with scrypt and refresh tokens hashed', async () => {
    const row = await b.cp.auth.findUser('alice');
    expect(row?.passwordHash).toMatch(/^scrypt\$/);
    expect(row?.passwordHash).not.toContain('alice-password-1');
    const tokens = await b.cp.database.db.query.refreshTokens.findMany();
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.some((t) => t.tokenHash === alice.refreshToken)).toBe(false);
  });

  it('rotates refresh tokens, and reuse of a rotated one revokes the whole family', async () => {
    const login = await b.login('alice', 'alice-password-1');
    const r1 = await b.api('/auth/refresh', { body: { refreshToken: login.refreshToken } });
    expect(r1.status).toBe(200);
    const second = TokenPair.parse(await r1.json());
    expect(second.refreshToken).not.toBe(login.refreshToken);
    // The thief replays the first token.
    expect((await b.api('/auth/refresh', { body: { refreshToken: login.refreshToken } })).status).toBe(401);
    // And now the legitimate, newer token is dead too.
    expect((await b.api('/auth/refresh', { body: { refreshToken: second.refreshToken } })).status).toBe(401);
  });

  it('revokes refresh tokens on logout', async () => {
    const login = await b.login('alice', 'alice-password-1');
    expect((await b.api('/auth/logout', { body: { refreshToken: login.refreshToken } })).status).toBe(204);
    expect((await b.api('/auth/refresh', { body: { refreshToken: login.refreshToken } })).status).toBe(401);
  });

  it('issues access tokens that last 15 minutes', async () => {
    const login = await b.login('alice', 'alice-password-1');
    const ms = new Date(login.expiresAt).getTime() - Date.now();
    expect(ms).toBeGreaterThan(14 * 60_000);
    expect(ms).toBeLessThanOrEqual(15 * 60_000 + 1000);
  });

  it('never accepts a token in the URL', async () => {
    const res = await b.api(`/sessions?access_token=${alice.accessToken}`);
    expect([400, 401]).toContain(res.status);
    const res2 = await b.api(`/me?token=${alice.accessToken}`);
    expect(res2.status).toBe(401);
  });

  it('records who did what in the audit log', async () => {
    const { entries } = await b.client(admin.accessToken).audit({ query: { limit: 500 } });
    expect(entries).toContainEqual(
      expect.objectContaining({ actor: 'alice', action: 'session.create', target: aliceSession.name }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ actor: 'admin', action: 'user.create', target: 'bob' }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ actor: 'admin', action: 'user.update', target: 'carol' }),
    );
  });
});

describe('login rate limit', () => {
  let b: TestBackend;
  beforeAll(async () => {
    b = await startTestBackend('pglite', {
      STREAMSPACE_LOGIN_FAILURES_PER_USER: '3',
      STREAMSPACE_LOGIN_FAILURES_PER_ADDRESS: '8',
    });
  });
  afterAll(async () => b?.close());

  // A delay, not a lock: Retry-After is the growing wait (1 s after the allowance), not minutes.
  it('answers 429 with Retry-After per username after repeated failures', async () => {
    for (let i = 0; i < 3; i++) {
      expect(
        (await b.api('/auth/login', { body: { username: 'admin', password: `wrong${i}` } })).status,
      ).toBe(401);
    }
    const limited = await b.api('/auth/login', {
      body: { username: 'admin', password: 'admin-test-password' },
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(1);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    await new Promise((r) => setTimeout(r, 1100));
    const after = await b.api('/auth/login', {
      body: { username: 'admin', password: 'admin-test-password' },
    });
    expect(after.status).toBe(200);
  });

  it('answers 429 per client address whatever the username', async () => {
    let last = 0;
    for (let i = 0; i < 8; i++)
      last = (await b.api('/auth/login', { body: { username: `user${i}`, password: 'x' } })).status;
    expect(last).toBe(429);
  });
});

describe('events reach only those who may see them', () => {
  let b: TestBackend;
  afterAll(async () => b?.close());

  it("pushes a user's session changes to that user and to admins, not to other users", async () => {
    b = await startTestBackend('pglite');
    const admin = await b.login();
    const dora = await createUser(b, admin.accessToken, 'dora');
    const finn = await createUser(b, admin.accessToken, 'finn');
    const agent = await connectAgent(b, 'events-agent', 10);

    const listen = async (token: string) => {
      const seen: string[] = [];
      const ws = new WebSocket(apiWebSocketUrl(b.url, 'events'));
      await new Promise((r) => ws.once('open', r));
      ws.on('message', (d) => {
        const e = ServerEvent.parse(JSON.parse(d.toString()));
        if (e.type === 'session') seen.push(`${e.session.name}:${e.session.state}`);
        if (e.type === 'ready') seen.push('ready');
      });
      ws.send(JSON.stringify({ type: 'auth', token }));
      await eventually(async () => seen.includes('ready'));
      return { seen, ws };
    };
    const doraSees = await listen(dora.accessToken);
    const finnSees = await listen(finn.accessToken);
    const adminSees = await listen(admin.accessToken);

    const s = await b.client(dora.accessToken).createSession({ body: { template: 'xterm' } });
    await eventually(async () => doraSees.seen.includes(`${s.name}:running`), 5000, 'dora sees running');
    await eventually(async () => adminSees.seen.includes(`${s.name}:running`), 5000, 'admin sees running');
    expect(finnSees.seen).toEqual(['ready']);

    // A bad token gets an error frame and a close, never a subscription.
    const bad = new WebSocket(apiWebSocketUrl(b.url, 'events'));
    await new Promise((r) => bad.once('open', r));
    const closed = new Promise<number>((r) => bad.once('close', (code) => r(code)));
    bad.send(JSON.stringify({ type: 'auth', token: 'forged.token.value' }));
    expect(await closed).toBe(4401);

    for (const l of [doraSees, finnSees, adminSees]) l.ws.close();
    await agent.close();
  });
});
