import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { SIGNED_OUT_CLOSE_CODE } from '../../protocol';
import { SessionRevocations } from '../auth/revocations';
import type { UserRow } from '../db/schema';
import { authenticateSocket, closeWithSignIn, keepAlive, PendingSockets } from './socket-guard';

const servers: WebSocketServer[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    for (const c of s.clients) c.terminate();
    s.close();
  }
});

/** A server socket and the client at its other end. */
async function pair(
  clientOptions: WebSocket.ClientOptions = {},
): Promise<{ server: WebSocket; client: WebSocket }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  servers.push(wss);
  await new Promise((r) => wss.once('listening', r));
  const accepted = new Promise<WebSocket>((r) => wss.once('connection', r));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, clientOptions);
  await new Promise((r) => client.once('open', r));
  return { server: await accepted, client };
}

const closeOf = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((r) =>
    ws.once('close', (code, reason) => r({ code, reason: `${reason}` })),
  );

describe('keepAlive', () => {
  it('keeps a peer that answers pings, and ends one that does not', async () => {
    const live = await pair();
    keepAlive(live.server, 20);
    const dead = await pair({ autoPong: false });
    keepAlive(dead.server, 20);
    const ended = closeOf(dead.server);
    expect((await ended).code).toBe(1006);
    await new Promise((r) => setTimeout(r, 100));
    expect(live.server.readyState).toBe(WebSocket.OPEN);
  });

  it('waits while the socket is paused, since it reads no pong then', async () => {
    const held = await pair({ autoPong: false });
    held.server.pause();
    keepAlive(held.server, 20);
    await new Promise((r) => setTimeout(r, 100));
    expect(held.server.readyState).toBe(WebSocket.OPEN);
  });
});

describe('PendingSockets', () => {
  it('caps each address on its own, and frees a place once released', () => {
    const pending = new PendingSockets(2);
    const a1 = pending.enter('a');
    const a2 = pending.enter('a');
    expect(pending.enter('a')).toBeNull();
    expect(pending.enter('b')).not.toBeNull();
    a1?.();
    a1?.();
    expect(pending.enter('a')).not.toBeNull();
    expect(pending.enter('a')).toBeNull();
    a2?.();
  });
});

describe('closeWithSignIn', () => {
  const signIn = { userId: 'u', key: 'k', familyId: 'f', accessExpiresAt: 0, signInExpiresAt: 0 };

  it('closes on a revocation it applies to, saying why', async () => {
    const revocations = new SessionRevocations(1000);
    const { server, client } = await pair();
    const told: string[] = [];
    closeWithSignIn(server, {
      revocations,
      signIn,
      deadline: { at: Date.now() + 60_000, reason: 'token expired' },
      applies: (r) => r.kind !== 'role_changed',
      beforeClose: (reason) => told.push(reason),
    });
    const closed = closeOf(client);
    revocations.roleChanged('u', 'user');
    revocations.signedOut('u', 'other-family');
    expect(told).toEqual([]);
    revocations.signedOut('u', 'f');
    expect(await closed).toEqual({ code: SIGNED_OUT_CLOSE_CODE, reason: 'signed out' });
    expect(told).toEqual(['signed out']);
    expect(revocations.watching).toBe(0);
  });

  it('closes at the deadline, and at once when it has passed', async () => {
    const revocations = new SessionRevocations(1000);
    const soon = await pair();
    const closedSoon = closeOf(soon.client);
    closeWithSignIn(soon.server, {
      revocations,
      signIn,
      deadline: { at: Date.now() + 30, reason: 'token expired' },
      applies: () => true,
    });
    expect(await closedSoon).toEqual({ code: SIGNED_OUT_CLOSE_CODE, reason: 'token expired' });
    const past = await pair();
    const closedPast = closeOf(past.client);
    closeWithSignIn(past.server, {
      revocations,
      signIn,
      deadline: { at: 0, reason: 'sign-in expired' },
      applies: () => true,
    });
    expect((await closedPast).reason).toBe('sign-in expired');
    expect(revocations.watching).toBe(0);
  });
});

describe('authenticateSocket', () => {
  const user = { id: 'u', username: 'u', role: 'user' } as UserRow;
  const token = () =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode('unit-test-secret'));

  it('refuses a token signed out while the user was being read', async () => {
    const revocations = new SessionRevocations(1000);
    const auth = {
      revocations,
      authenticate: async () => {
        revocations.signedOut('u', 'f');
        return user;
      },
    };
    expect(await authenticateSocket(auth, await token())).toEqual({ ok: false, reason: 'signed out' });
    expect(revocations.watching).toBe(0);
  });

  it('reads the user again after a role change in that window', async () => {
    const revocations = new SessionRevocations(1000);
    let reads = 0;
    const auth = {
      revocations,
      authenticate: async () => {
        if (reads++ === 0) revocations.roleChanged('u', 'admin');
        return user;
      },
    };
    expect(await authenticateSocket(auth, await token())).toMatchObject({ ok: true, user });
    expect(reads).toBe(2);
  });

  it('refuses what is not a token without asking', async () => {
    const auth = {
      revocations: new SessionRevocations(1000),
      authenticate: async () => {
        throw new Error('should not be asked');
      },
    };
    expect(await authenticateSocket(auth, 'not-a-jwt')).toEqual({ ok: false, reason: 'unauthorized' });
  });
});
