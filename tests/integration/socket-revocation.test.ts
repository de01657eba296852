import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AccessTokens } from '../../backend/auth/tokens';
import { settings } from '../../backend/db/schema';
import { MAX_UNAUTHENTICATED_PER_ADDRESS } from '../../backend/ws/events-socket';
import {
  ApiErrorBody,
  apiWebSocketUrl,
  ServerEvent,
  type SessionDto,
  SIGNED_OUT_CLOSE_CODE,
  type TokenPair,
} from '../../protocol';
import { connectAgent, startTestBackend, type TestBackend } from '../support/backend';
import { eventually } from '../support/eventually';
import type { ProtocolAgent } from '../support/protocol-agent';
import { createUser } from '../support/users';
import { upgradeStatus } from '../support/ws';

interface Closed {
  code: number;
  reason: string;
}

interface Listener {
  ws: WebSocket;
  frames: ServerEvent[];
  closed: Promise<Closed>;
}

const closedOf = (ws: WebSocket) =>
  new Promise<Closed>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: `${reason}` })),
  );

/** An /events socket signed in with `token`, once it is ready (or refused). */
async function listen(b: TestBackend, token: string, expectReady = true): Promise<Listener> {
  const ws = new WebSocket(apiWebSocketUrl(b.url, 'events'));
  const frames: ServerEvent[] = [];
  const closed = closedOf(ws);
  ws.on('message', (d) => frames.push(ServerEvent.parse(JSON.parse(d.toString()))));
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'auth', token }));
  if (expectReady) await eventually(async () => frames.some((f) => f.type === 'ready'), 5000, 'ready');
  return { ws, frames, closed };
}

/** Resolves with the close, or with null when the socket is still open after `ms` (a wait cap for closes that must come, since a loaded machine is slow; the short "still open" checks are the timed ones). */
const closedWithin = (l: { closed: Promise<Closed> }, ms: number) =>
  Promise.race([l.closed, new Promise<null>((r) => setTimeout(() => r(null), ms))]);

describe('sockets end with the sign-in and the rights they were opened with', () => {
  let b: TestBackend;
  let admin: TokenPair;
  let agent: ProtocolAgent;

  beforeAll(async () => {
    b = await startTestBackend('pglite');
    admin = await b.login();
    agent = await connectAgent(b, 'revocation-agent', 20);
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

  it('closes /events on logout, for that sign-in only, and refuses its token afterwards', async () => {
    const first = await createUser(b, admin.accessToken, 'gina');
    const second = await b.login('gina', 'gina-password-1');
    const signedOut = await listen(b, first.accessToken);
    const other = await listen(b, second.accessToken);

    expect((await b.api('/auth/logout', { body: { refreshToken: first.refreshToken } })).status).toBe(204);
    expect(await closedWithin(signedOut, 10_000)).toEqual({
      code: SIGNED_OUT_CLOSE_CODE,
      reason: 'signed out',
    });
    // The client is told in a frame too, so it refreshes before it comes back.
    expect(signedOut.frames.at(-1)).toMatchObject({ type: 'error', code: 'unauthorized' });
    expect(await closedWithin(other, 300)).toBeNull();

    // The access token has not expired, but its sign-in has: neither a socket nor REST takes it.
    const again = await listen(b, first.accessToken, false);
    expect((await again.closed).code).toBe(SIGNED_OUT_CLOSE_CODE);
    expect((await b.api('/me', { token: first.accessToken })).status).toBe(401);
    expect((await b.api('/me', { token: second.accessToken })).status).toBe(200);
    other.ws.close();
  });

  it('closes /events when its user is demoted, and on a promotion too', async () => {
    const hal = await createUser(b, admin.accessToken, 'hal', 'admin');
    const sees = await listen(b, hal.accessToken);
    const demote = await b.api(`/users/${hal.user.id}`, {
      token: admin.accessToken,
      method: 'PATCH',
      body: { role: 'user' },
    });
    expect(demote.status).toBe(200);
    expect(await closedWithin(sees, 10_000)).toEqual({ code: SIGNED_OUT_CLOSE_CODE, reason: 'role changed' });

    // The same token still works, with the new role read fresh; a same-role update leaves it be.
    const back = await listen(b, hal.accessToken);
    await b.api(`/users/${hal.user.id}`, {
      token: admin.accessToken,
      method: 'PATCH',
      body: { role: 'user' },
    });
    expect(await closedWithin(back, 300)).toBeNull();
    await b.api(`/users/${hal.user.id}`, {
      token: admin.accessToken,
      method: 'PATCH',
      body: { role: 'admin' },
    });
    expect((await closedWithin(back, 10_000))?.reason).toBe('role changed');
  });

  it('closes /events on a password change and ends that password’s sign-ins', async () => {
    const ivy = await createUser(b, admin.accessToken, 'ivy');
    const sees = await listen(b, ivy.accessToken);
    const res = await b.api(`/users/${ivy.user.id}`, {
      token: admin.accessToken,
      method: 'PATCH',
      body: { password: 'ivy-password-2' },
    });
    expect(res.status).toBe(200);
    expect(await closedWithin(sees, 10_000)).toEqual({
      code: SIGNED_OUT_CLOSE_CODE,
      reason: 'password changed',
    });
    expect((await b.api('/me', { token: ivy.accessToken })).status).toBe(401);
    const fresh = await b.login('ivy', 'ivy-password-2');
    expect((await b.api('/me', { token: fresh.accessToken })).status).toBe(200);
  });

  it('closes /events when its access token expires', async () => {
    // No setting shortens the access-token lifetime, so sign one with the installation's key.
    const secret = (
      await b.cp.database.db.select().from(settings).where(eq(settings.key, 'jwt_secret')).limit(1)
    )[0]?.value;
    expect(secret).toBeDefined();
    const short = await new AccessTokens(secret!, 2).issue({
      userId: admin.user.id,
      username: 'admin',
      role: 'admin',
    });
    const sees = await listen(b, short.token);
    const started = Date.now();
    expect(await closedWithin(sees, 10_000)).toEqual({
      code: SIGNED_OUT_CLOSE_CODE,
      reason: 'token expired',
    });
    expect(Date.now()).toBeGreaterThanOrEqual(short.expiresAt.getTime() - 50);
    expect(Date.now() - started).toBeLessThan(3500);
  });

  async function runningSession(token: string): Promise<SessionDto> {
    const s = await b.client(token).createSession({ body: { template: 'xterm' } });
    await eventually(async () => (await b.cp.store.get(s.name))?.state === 'running');
    return s;
  }

  const vncUrl = (name: string, ticket: string) =>
    apiWebSocketUrl(b.url, 'vnc', { params: { name }, query: { ticket } });

  it('closes a viewer on logout of the sign-in that asked for its ticket', async () => {
    const jo = await createUser(b, admin.accessToken, 'jo');
    const s = await runningSession(jo.accessToken);
    const t = await b.client(jo.accessToken).viewerTicket({ params: { name: s.name } });
    const viewer = new WebSocket(vncUrl(s.name, t.ticket));
    const closed = closedOf(viewer);
    await new Promise((r) => viewer.once('open', r));
    // Piped through to the agent's echo: a live stream, not one still waiting.
    const echoed = new Promise<Buffer>((r) => viewer.once('message', (d: Buffer) => r(d)));
    viewer.send(Buffer.from('RFB'));
    expect(`${await echoed}`).toBe('RFB');

    await b.api('/auth/logout', { body: { refreshToken: jo.refreshToken } });
    expect(await closedWithin({ closed }, 10_000)).toEqual({
      code: SIGNED_OUT_CLOSE_CODE,
      reason: 'signed out',
    });
  });

  it('keeps another user’s screen from an admin: 403 for the ticket, and the socket agrees', async () => {
    const kim = await createUser(b, admin.accessToken, 'kim');
    const s = await runningSession(kim.accessToken);
    const res = await b.api(`/sessions/${s.name}/viewer-ticket`, {
      token: admin.accessToken,
      method: 'POST',
    });
    expect(res.status).toBe(403);
    const body = ApiErrorBody.parse(await res.json());
    expect(body.error.code).toBe('forbidden');
    expect(JSON.stringify(body)).not.toMatch(/vncPassword/);
    // Administration of it is still the admin's.
    expect((await b.api(`/sessions/${s.name}`, { token: admin.accessToken })).status).toBe(200);

    // A ticket made out to the admin by hand fares no better at the socket.
    const signIn = b.cp.auth.revocations.signInOf(admin.accessToken, admin.user.id);
    const forged = b.cp.tickets.issue({ userId: admin.user.id, sessionName: s.name, signIn });
    expect(await upgradeStatus(vncUrl(s.name, forged.ticket))).toBe(403);
    // The owner is let in.
    const own = await b.client(kim.accessToken).viewerTicket({ params: { name: s.name } });
    expect(await upgradeStatus(vncUrl(s.name, own.ticket))).toBe(101);
  });

  it('caps sockets that have not authenticated yet, per address', async () => {
    const url = apiWebSocketUrl(b.url, 'events');
    const waiting: WebSocket[] = [];
    for (let i = 0; i < MAX_UNAUTHENTICATED_PER_ADDRESS; i++) {
      const ws = new WebSocket(url);
      await new Promise((r) => ws.once('open', r));
      waiting.push(ws);
    }
    expect(await upgradeStatus(url)).toBe(429);
    // Authenticating frees a place.
    const first = waiting[0]!;
    const ready = new Promise((r) => first.once('message', r));
    first.send(JSON.stringify({ type: 'auth', token: admin.accessToken }));
    await ready;
    expect(await upgradeStatus(url)).toBe(101);
    for (const ws of waiting) ws.close();
  });
});
