import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionDto, TokenPair } from '../../protocol';
import { connectAgent, startTestBackend, type TestBackend } from '../support/backend';
import { dbKinds } from '../support/databases';
import { eventually } from '../support/eventually';
import type { ProtocolAgent } from '../support/protocol-agent';
import { createUser } from '../support/users';

const huge = 'A'.repeat(200_000);
const strings = [
  '',
  ' ',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  "'; DROP TABLE sessions; --",
  "admin' OR '1'='1",
  '%00',
  '\u0000',
  '<script>alert(1)</script>',
  huge,
  'xterm\nX-Injected: 1',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style probe, meant literally.
  '${jndi:ldap://x}',
  'ＡＤＭＩＮ',
];
const values: unknown[] = [
  ...strings,
  null,
  true,
  0,
  -1,
  1e308,
  Number.NaN,
  [],
  {},
  [1, 2],
  { $gt: '' },
  { __proto__: { admin: true } },
];

describe.each(dbKinds())('hostile input on %s', (kind) => {
  let b: TestBackend;
  let admin: TokenPair;
  let eve: TokenPair;
  let victim: SessionDto;
  let agent: ProtocolAgent;
  let other: ProtocolAgent;

  beforeAll(async () => {
    b = await startTestBackend(kind, { STREAMSPACE_MAX_SESSIONS_PER_USER: '1000' });
    admin = await b.login();
    eve = await createUser(b, admin.accessToken, 'eve');
    agent = await connectAgent(b, 'victim-agent', 1000);
    victim = await b.client(admin.accessToken).createSession({ body: { template: 'xterm' } });
    await eventually(async () => (await b.cp.store.get(victim.name))?.state === 'running');
    other = await connectAgent(b, 'evil-agent', 1000);
  });
  afterAll(async () => {
    await agent?.close();
    await other?.close();
    await b?.close();
  });

  it('answers hundreds of hostile requests without a 5xx and without changing what it must not', async () => {
    const before = JSON.stringify(await b.cp.store.list({}));
    const users = (await b.cp.auth.listUsers()).map((u) => `${u.username}:${u.role}`).sort();
    const requests: Array<{
      method: string;
      path: string;
      body?: unknown;
      rawBody?: string;
      token?: string;
    }> = [];
    for (const v of values) {
      requests.push({ method: 'POST', path: '/auth/login', body: { username: v, password: v } });
      requests.push({ method: 'POST', path: '/auth/refresh', body: { refreshToken: v } });
      requests.push({ method: 'POST', path: '/sessions', body: { template: v }, token: eve.accessToken });
      requests.push({
        method: 'POST',
        path: '/sessions',
        body: { template: 'xterm', resources: v },
        token: eve.accessToken,
      });
      requests.push({
        method: 'POST',
        path: '/sessions',
        body: { template: 'xterm', persistentHome: v, extra: v },
        token: eve.accessToken,
      });
      requests.push({
        method: 'PATCH',
        path: `/users/${eve.user.id}`,
        body: { role: v },
        token: eve.accessToken,
      });
      requests.push({
        method: 'POST',
        path: '/users',
        body: { username: v, password: v, role: v },
        token: admin.accessToken,
      });
      requests.push({
        method: 'POST',
        path: '/agents',
        body: { name: v, runtime: v, maxSessions: v },
        token: admin.accessToken,
      });
    }
    for (const s of strings) {
      const seg = encodeURIComponent(s.slice(0, 3000));
      requests.push({ method: 'GET', path: `/sessions/${seg}`, token: eve.accessToken });
      requests.push({ method: 'DELETE', path: `/sessions/${seg}`, token: eve.accessToken });
      requests.push({ method: 'POST', path: `/sessions/${seg}/hibernate`, token: eve.accessToken });
      requests.push({ method: 'POST', path: `/sessions/${seg}/viewer-ticket`, token: eve.accessToken });
      requests.push({ method: 'GET', path: `/templates/${seg}`, token: eve.accessToken });
      requests.push({ method: 'GET', path: `/templates?q=${seg}&category=${seg}`, token: eve.accessToken });
      requests.push({ method: 'GET', path: `/sessions?all=${seg}`, token: eve.accessToken });
      requests.push({ method: 'GET', path: `/audit?limit=${seg}`, token: admin.accessToken });
      // Header values must be visible ASCII; anything else is what a client library would refuse to send.
      requests.push({ method: 'GET', path: '/me', token: encodeURIComponent(s.slice(0, 3000)) || 'x' });
    }
    requests.push({
      method: 'POST',
      path: '/sessions',
      rawBody: `{"template":"${'x'.repeat(2 * 1024 * 1024)}"}`,
      token: eve.accessToken,
    });
    requests.push({
      method: 'POST',
      path: '/sessions',
      rawBody: '{"template":"xterm"'.repeat(1000),
      token: eve.accessToken,
    });
    requests.push({
      method: 'POST',
      path: '/sessions?template=xterm&template=firefox',
      body: { template: 'xterm' },
      token: eve.accessToken,
    });
    requests.push({ method: 'GET', path: '/sessions?all[$ne]=x', token: eve.accessToken });
    // Eve's attempts against someone else's session.
    for (const action of ['hibernate', 'wake', 'viewer-ticket']) {
      requests.push({ method: 'POST', path: `/sessions/${victim.name}/${action}`, token: eve.accessToken });
    }
    requests.push({ method: 'DELETE', path: `/sessions/${victim.name}`, token: eve.accessToken });
    expect(requests.length).toBeGreaterThan(200);

    const statuses = new Map<number, number>();
    for (const r of requests) {
      const res = await b.api(r.path, {
        method: r.method,
        ...(r.token ? { token: r.token } : {}),
        ...(r.body !== undefined ? { body: r.body } : {}),
        ...(r.rawBody !== undefined ? { rawBody: r.rawBody } : {}),
      });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, `${r.method} ${r.path.slice(0, 80)} → ${text.slice(0, 200)}`).toBeLessThan(500);
      if (res.status >= 400) expect(JSON.parse(text)).toHaveProperty('error.code');
    }
    // Eve launched some valid xterms along the way (the persistentHome/extra variants are refused); clean those out.
    const eveSessions = (await b.cp.store.list({})).filter((s) => s.username === 'eve');
    const after = JSON.stringify((await b.cp.store.list({})).filter((s) => s.username !== 'eve'));
    expect(after).toBe(before);
    expect(eveSessions.every((s) => s.template === 'xterm')).toBe(true);
    expect((await b.cp.auth.listUsers()).map((u) => `${u.username}:${u.role}`).sort()).toEqual(users);
    expect(statuses.get(413)).toBe(1);
    expect((await b.api('/healthz')).status).toBe(200);
  });

  it('shrugs off hostile agent frames, including ones about other agents’ sessions', async () => {
    const before = JSON.stringify(await b.cp.store.get(victim.name));
    const errorsBefore = other.errors.length;
    const frames: Array<string | Buffer> = [];
    for (const v of values) {
      frames.push(JSON.stringify({ type: 'session_status', name: v, state: 'failed', message: 'x' }));
      frames.push(JSON.stringify({ type: 'result', commandId: v, ok: v, state: v, message: v }));
      frames.push(JSON.stringify({ type: 'heartbeat', activeSessions: v, load: v }));
      frames.push(JSON.stringify({ type: v }));
      frames.push(JSON.stringify(v));
    }
    frames.push(
      JSON.stringify({ type: 'session_status', name: victim.name, state: 'failed', message: 'hijack' }),
    );
    frames.push(
      JSON.stringify({ type: 'session_status', name: victim.name, state: 'terminated', message: 'hijack' }),
    );
    frames.push(
      JSON.stringify({
        type: 'hello',
        agentId: agent.agentId,
        runtime: 'local',
        version: 'x',
        capacity: { maxSessions: 1 },
        sessions: [],
      }),
    );
    frames.push(JSON.stringify({ type: 'tunnel_error', tunnelId: 'whatever', message: 'x' }));
    frames.push('{"type":"heartbeat",');
    frames.push(Buffer.alloc(1024, 7));
    frames.push(`{"type":"session_status","name":"${'a'.repeat(500_000)}","state":"failed","message":""}`);
    expect(frames.length).toBeGreaterThan(100);
    for (const f of frames) other.sendRaw(f);
    await eventually(
      async () => other.errors.length >= errorsBefore + frames.length - 10,
      10_000,
      'error answers',
    );
    other.send({ type: 'heartbeat', activeSessions: 0, load: 0 });
    expect(JSON.stringify(await b.cp.store.get(victim.name))).toBe(before);
    expect(b.cp.connections.isConnected(agent.agentId)).toBe(true);
    expect((await b.api('/healthz')).status).toBe(200);
  });

  it('closes an agent socket that sends a frame over the size cap, and stays up', async () => {
    const big = await connectAgent(b, 'big-agent', 1);
    const closed = new Promise<number>((r) => big.ws.once('close', (code) => r(code)));
    big.sendRaw(Buffer.alloc(2 * 1024 * 1024, 32).toString());
    expect(await closed).toBe(1009);
    expect((await b.api('/healthz')).status).toBe(200);
  });
});
