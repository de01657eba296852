import { describe, expect, it, vi } from 'vitest';
import { apiPath, routes } from '../protocol';
import { AuthSession } from './auth-session';
import { accountEntry, LOCAL_ADMIN_ACCOUNT, memoryCredentialStore } from './credentials';
import { CodedError } from './errors';
import { ACCOUNT, BASE, localAdmin, setup, stored } from './testing/auth-harness';

describe('AuthSession', () => {
  it('logs in, keeps the access token in memory and the refresh token in the keychain', async () => {
    const { server, credentials, auth } = setup();
    const changes = vi.fn();
    auth.onChange(changes);
    const state = await auth.login({ username: 'admin', password: 'admin-pw' });
    expect(state).toMatchObject({ accessToken: 'access-1', user: { username: 'admin' } });
    expect(state).not.toHaveProperty('refreshToken');
    expect(credentials.snapshot()).toEqual(stored('refresh-1'));
    expect(server.calls[0]).toMatchObject({
      method: 'POST',
      path: apiPath(routes.login),
      body: { username: 'admin', password: 'admin-pw' },
    });
    expect(await auth.accessToken()).toBe('access-1');
    expect(server.calls).toHaveLength(1);
    expect(changes).toHaveBeenCalledWith(state);
  });

  it('reports wrong credentials with the server code and stores nothing', async () => {
    const { credentials, auth } = setup();
    const error = await auth.login({ username: 'admin', password: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodedError);
    expect(error).toMatchObject({
      code: 'unauthorized',
      message: 'Invalid username or password',
      status: 401,
    });
    expect(credentials.snapshot()).toEqual({});
    expect(auth.state()).toBeNull();
  });

  it('says which server it cannot reach', async () => {
    const { server, auth } = setup();
    server.offline = true;
    await expect(auth.login({ username: 'admin', password: 'admin-pw' })).rejects.toMatchObject({
      code: 'unreachable',
      message: expect.stringContaining(BASE),
    });
  });

  it('refreshes within 60 s of expiry and stores the rotated refresh token', async () => {
    const { server, credentials, auth, clock } = setup();
    await auth.login({ username: 'admin', password: 'admin-pw' });
    clock.advance(15 * 60_000 - 61_000);
    expect(await auth.accessToken()).toBe('access-1');
    clock.advance(2_000);
    expect(await auth.accessToken()).toBe('access-2');
    expect(server.calls.at(-1)).toMatchObject({
      path: apiPath(routes.refresh),
      body: { refreshToken: 'refresh-1' },
    });
    expect(credentials.snapshot()).toEqual(stored('refresh-2'));
  });

  it('shares one refresh among concurrent callers, since refresh tokens rotate', async () => {
    const { server, auth, clock } = setup();
    await auth.login({ username: 'admin', password: 'admin-pw' });
    clock.advance(15 * 60_000);
    server.latencyMs = 20;
    const tokens = await Promise.all([auth.accessToken(), auth.accessToken(), auth.ensure()]);
    expect(tokens.map((t) => (typeof t === 'string' ? t : t?.accessToken))).toEqual([
      'access-2',
      'access-2',
      'access-2',
    ]);
    expect(server.countCalls('POST', apiPath(routes.refresh))).toBe(1);
  });

  it('refreshes early once told the server refused the access token', async () => {
    const { server, auth } = setup();
    await auth.login({ username: 'admin', password: 'admin-pw' });
    auth.invalidate();
    expect(await auth.accessToken()).toBe('access-2');
    expect(await auth.accessToken()).toBe('access-2');
    expect(server.countCalls('POST', apiPath(routes.refresh))).toBe(1);
  });

  it('keeps using a still-valid token while the server is briefly unreachable', async () => {
    const { server, auth, clock } = setup();
    await auth.login({ username: 'admin', password: 'admin-pw' });
    clock.advance(15 * 60_000 - 30_000);
    server.offline = true;
    expect(await auth.accessToken()).toBe('access-1');
    clock.advance(31_000);
    await expect(auth.accessToken()).rejects.toMatchObject({ code: 'unreachable' });
  });

  it('signs out and forgets the stored token when the refresh token was revoked', async () => {
    const { server, credentials, auth, clock } = setup();
    await auth.login({ username: 'admin', password: 'admin-pw' });
    const changes = vi.fn();
    auth.onChange(changes);
    server.revokeAllRefreshTokens();
    clock.advance(15 * 60_000);
    expect(await auth.accessToken()).toBeNull();
    expect(auth.state()).toBeNull();
    expect(credentials.snapshot()).toEqual({});
    expect(changes).toHaveBeenLastCalledWith(null);
  });

  it('resumes from the keychain after a restart', async () => {
    const first = setup();
    await first.auth.login({ username: 'admin', password: 'admin-pw' });
    const restarted = new AuthSession({
      fetch: first.server.fetch,
      baseUrl: BASE,
      profile: { id: 'work', mode: 'remote', url: BASE },
      lastUsername: 'admin',
      credentials: first.credentials,
      now: first.clock.now,
    });
    expect(restarted.state()).toBeNull();
    expect(await restarted.resume()).toMatchObject({ accessToken: 'access-2' });
    expect(first.credentials.snapshot()).toEqual(stored('refresh-2'));
  });

  it('resumes to null with no stored token, or a revoked one', async () => {
    const { server, credentials, auth } = setup();
    expect(await auth.resume()).toBeNull();
    expect(server.calls).toHaveLength(0);
    await credentials.set(ACCOUNT, JSON.stringify({ refreshToken: 'stale' }));
    expect(await auth.resume()).toBeNull();
    expect(credentials.snapshot()).toEqual({});
  });

  it('logs out on the server, then forgets the token', async () => {
    const { server, credentials, auth } = setup();
    await auth.login({ username: 'admin', password: 'admin-pw' });
    await auth.logout();
    expect(server.calls.at(-1)).toMatchObject({
      method: 'POST',
      path: apiPath(routes.logout),
      body: { refreshToken: 'refresh-1' },
    });
    expect(auth.state()).toBeNull();
    expect(await auth.accessToken()).toBeNull();
    expect(credentials.snapshot()).toEqual({});
  });

  it('still signs out locally when the server cannot be told', async () => {
    const { server, credentials, auth, warn } = setup();
    await auth.login({ username: 'admin', password: 'admin-pw' });
    server.offline = true;
    await auth.logout();
    expect(auth.state()).toBeNull();
    expect(credentials.snapshot()).toEqual({});
    expect(warn).toHaveBeenCalled();
  });

  it('refuses answers that are not a token pair', async () => {
    const auth = new AuthSession({
      fetch: async () => new Response(JSON.stringify({ accessToken: 'x' }), { status: 200 }),
      baseUrl: BASE,
      profile: { id: 'work', mode: 'remote' },
      credentials: memoryCredentialStore(),
    });
    await expect(auth.login({ username: 'a', password: 'b' })).rejects.toMatchObject({ code: 'internal' });
  });

  describe('local profile', () => {
    it('logs in as admin with the password from the keychain', async () => {
      const { server, auth } = setup('local', localAdmin('admin-pw'));
      expect(await auth.loginLocal()).toMatchObject({ user: { username: 'admin' } });
      expect(server.calls[0]?.body).toEqual({ username: 'admin', password: 'admin-pw' });
    });

    it('signs in again by itself after a logout or a revoked token', async () => {
      const { server, auth, clock } = setup('local', localAdmin('admin-pw'));
      await auth.logout();
      expect(await auth.accessToken()).toBe('access-1');
      server.revokeAllRefreshTokens();
      clock.advance(15 * 60_000);
      expect(await auth.accessToken()).toBe('access-2');
      expect(server.countCalls('POST', apiPath(routes.login))).toBe(2);
    });

    it('fails clearly when the keychain lost the password', async () => {
      const { server, auth } = setup('local');
      await expect(auth.loginLocal()).rejects.toMatchObject({ code: 'keychain_unavailable' });
      expect(server.calls).toHaveLength(0);
    });
  });

  it('refreshes short-lived tokens at half their lifetime rather than on every call', async () => {
    const { server, auth, clock } = setup();
    server.tokenLifetimeMs = 20_000;
    await auth.login({ username: 'admin', password: 'admin-pw' });
    clock.advance(9_000);
    expect(await auth.accessToken()).toBe('access-1');
    clock.advance(2_000);
    expect(await auth.accessToken()).toBe('access-2');
  });

  describe('keychain account', () => {
    it('resumes nobody when no one has signed in on the profile yet', async () => {
      const { server, auth } = setup('remote', stored('refresh-1'), {});
      expect(await auth.resume()).toBeNull();
      expect(server.calls).toHaveLength(0);
    });

    it('keeps the token under the user who signed in, and forgets the previous user', async () => {
      const { server, credentials, auth, onSignedIn } = setup('remote', stored('old'), {
        lastUsername: 'admin',
      });
      server.users.set('alice', 'alice-pw');
      await auth.login({ username: 'alice', password: 'alice-pw' });
      expect(credentials.snapshot()).toEqual(accountEntry(`alice@${BASE}`, { refreshToken: 'refresh-1' }));
      expect(onSignedIn).toHaveBeenCalledWith('alice');
    });

    it('keeps the local admin password when the local sign-in is forgotten', async () => {
      const { credentials, auth } = setup('local', localAdmin('admin-pw'));
      await auth.loginLocal();
      expect(JSON.parse(credentials.snapshot()[LOCAL_ADMIN_ACCOUNT] ?? '')).toEqual({
        adminPassword: 'admin-pw',
        refreshToken: 'refresh-1',
      });
      await auth.logout();
      expect(credentials.snapshot()).toEqual(localAdmin('admin-pw'));
    });
  });
});
