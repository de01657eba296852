import { describe, expect, it, vi } from 'vitest';
import { apiPath, routes } from '../protocol';
import { AuthSession } from './auth-session';
import { LOCAL_ADMIN_PASSWORD_ACCOUNT, memoryCredentialStore } from './credentials';
import { CodedError } from './errors';
import { FakeControlPlane } from './testing/fake-control-plane';

const BASE = 'http://127.0.0.1:4100';

function setup(mode: 'local' | 'remote' = 'remote', secrets: Record<string, string> = {}) {
  let now = Date.UTC(2025, 0, 1);
  const clock = {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
  const server = new FakeControlPlane(BASE, clock.now);
  const credentials = memoryCredentialStore(secrets);
  const warn = vi.fn();
  const auth = new AuthSession({
    fetch: server.fetch,
    baseUrl: BASE,
    profile: { id: mode === 'local' ? 'local' : 'work', mode },
    credentials,
    now: clock.now,
    log: { warn },
  });
  return { server, credentials, auth, clock, warn };
}

describe('AuthSession', () => {
  it('logs in, keeps the access token in memory and the refresh token in the keychain', async () => {
    const { server, credentials, auth } = setup();
    const changes = vi.fn();
    auth.onChange(changes);
    const state = await auth.login({ username: 'admin', password: 'admin-pw' });
    expect(state).toMatchObject({ accessToken: 'access-1', user: { username: 'admin' } });
    expect(state).not.toHaveProperty('refreshToken');
    expect(credentials.snapshot()).toEqual({ 'refresh-token:work': 'refresh-1' });
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
    expect(credentials.snapshot()).toEqual({ 'refresh-token:work': 'refresh-2' });
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
      profile: { id: 'work', mode: 'remote' },
      credentials: first.credentials,
      now: first.clock.now,
    });
    expect(restarted.state()).toBeNull();
    expect(await restarted.resume()).toMatchObject({ accessToken: 'access-2' });
    expect(first.credentials.snapshot()).toEqual({ 'refresh-token:work': 'refresh-2' });
  });

  it('resumes to null with no stored token, or a revoked one', async () => {
    const { server, credentials, auth } = setup();
    expect(await auth.resume()).toBeNull();
    expect(server.calls).toHaveLength(0);
    await credentials.set('refresh-token:work', 'stale');
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
      const { server, auth } = setup('local', { [LOCAL_ADMIN_PASSWORD_ACCOUNT]: 'admin-pw' });
      expect(await auth.loginLocal()).toMatchObject({ user: { username: 'admin' } });
      expect(server.calls[0]?.body).toEqual({ username: 'admin', password: 'admin-pw' });
    });

    it('signs in again by itself after a logout or a revoked token', async () => {
      const { server, auth, clock } = setup('local', { [LOCAL_ADMIN_PASSWORD_ACCOUNT]: 'admin-pw' });
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
});
