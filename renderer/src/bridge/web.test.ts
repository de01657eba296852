import { describe, expect, it, vi } from 'vitest';
import { apiUrl, type TokenPair } from '../../../protocol';
import type { TabMessage, TabSync } from './tab-sync';
import { createWebBridge, REFRESH_TOKEN_KEY, type WebBridgeDeps } from './web';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const user = { id: 'u1', username: 'ada', role: 'user' as const, createdAt: '2025-01-01T00:00:00Z' };

const pair = (n: number, expiresInMs = 15 * 60_000): TokenPair => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  expiresAt: new Date(NOW + expiresInMs).toISOString(),
  user,
});

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  };
}

function setup(overrides: Partial<WebBridgeDeps> = {}) {
  const storage = memoryStorage();
  const fetch = vi.fn<typeof globalThis.fetch>();
  const openTab = vi.fn();
  const bridge = createWebBridge({
    origin: 'http://srv:8080',
    fetch,
    storage,
    openTab,
    now: () => NOW,
    ...overrides,
  });
  return { bridge, storage, fetch, openTab };
}

const bodyOf = (init: RequestInit | undefined): unknown => JSON.parse(String(init?.body));

describe('web bridge', () => {
  it('serves the page origin in headless mode', async () => {
    const { bridge } = setup();
    expect(bridge.kind).toBe('web');
    await expect(bridge.getServer()).resolves.toEqual({ baseUrl: 'http://srv:8080', mode: 'headless' });
  });

  it('logs in, keeps the refresh token in storage and the access token in memory', async () => {
    const { bridge, storage, fetch } = setup();
    fetch.mockResolvedValueOnce(json(200, pair(1)));
    const auth = await bridge.login({ username: 'ada', password: 'pw' });
    expect(auth).toEqual({ accessToken: 'access-1', expiresAt: pair(1).expiresAt, user });
    expect(fetch.mock.calls[0]?.[0]).toBe(apiUrl('http://srv:8080', '/auth/login'));
    expect(storage.map.get(REFRESH_TOKEN_KEY)).toBe('refresh-1');
    expect([...storage.map.values()]).not.toContain('access-1');
    await expect(bridge.getAccessToken()).resolves.toBe('access-1');
    expect(fetch).toHaveBeenCalledOnce();
  });

  it('surfaces a refused login as ApiError', async () => {
    const { bridge, fetch, storage } = setup();
    fetch.mockResolvedValueOnce(json(401, { error: { code: 'unauthorized', message: 'Wrong password' } }));
    await expect(bridge.login({ username: 'ada', password: 'x' })).rejects.toMatchObject({
      status: 401,
      message: 'Wrong password',
    });
    expect(storage.map.size).toBe(0);
  });

  it('refreshes a token close to expiry and rotates the stored refresh token', async () => {
    const { bridge, fetch, storage } = setup();
    fetch.mockResolvedValueOnce(json(200, pair(1, 30_000))).mockResolvedValueOnce(json(200, pair(2)));
    await bridge.login({ username: 'ada', password: 'pw' });
    await expect(bridge.getAccessToken()).resolves.toBe('access-2');
    expect(fetch.mock.calls[1]?.[0]).toBe(apiUrl('http://srv:8080', '/auth/refresh'));
    expect(bodyOf(fetch.mock.calls[1]?.[1])).toEqual({ refreshToken: 'refresh-1' });
    expect(storage.map.get(REFRESH_TOKEN_KEY)).toBe('refresh-2');
  });

  it('restores a sign-in from storage after a reload, with one refresh for parallel callers', async () => {
    const { bridge, fetch, storage } = setup();
    storage.setItem(REFRESH_TOKEN_KEY, 'refresh-7');
    fetch.mockResolvedValueOnce(json(200, pair(8)));
    const [a, b, auth] = await Promise.all([
      bridge.getAccessToken(),
      bridge.getAccessToken(),
      bridge.getAuth(),
    ]);
    expect([a, b, auth?.accessToken]).toEqual(['access-8', 'access-8', 'access-8']);
    expect(fetch).toHaveBeenCalledOnce();
  });

  it('signs out when the server refuses the refresh token', async () => {
    const { bridge, fetch, storage } = setup();
    storage.setItem(REFRESH_TOKEN_KEY, 'refresh-old');
    fetch.mockResolvedValueOnce(json(401, { error: { code: 'unauthorized', message: 'revoked' } }));
    await expect(bridge.getAuth()).resolves.toBeNull();
    expect(storage.map.has(REFRESH_TOKEN_KEY)).toBe(false);
  });

  it('keeps the refresh token when the server is merely unreachable', async () => {
    const { bridge, fetch, storage } = setup();
    storage.setItem(REFRESH_TOKEN_KEY, 'refresh-1');
    fetch.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await expect(bridge.getAuth()).rejects.toMatchObject({ code: 'network' });
    expect(storage.map.get(REFRESH_TOKEN_KEY)).toBe('refresh-1');
  });

  it('forces a refresh even when the token looks valid', async () => {
    const { bridge, fetch } = setup();
    fetch.mockResolvedValueOnce(json(200, pair(1))).mockResolvedValueOnce(json(200, pair(2)));
    await bridge.login({ username: 'ada', password: 'pw' });
    await expect(bridge.refreshAccessToken()).resolves.toBe('access-2');
  });

  it('returns null without a request when never signed in', async () => {
    const { bridge, fetch } = setup();
    await expect(bridge.getAccessToken()).resolves.toBeNull();
    expect(fetch).not.toHaveBeenCalled();
  });

  it('logs out: revokes the refresh token and clears storage', async () => {
    const { bridge, fetch, storage } = setup();
    fetch
      .mockResolvedValueOnce(json(200, pair(1)))
      .mockResolvedValueOnce(new Response(null, { status: 204 }));
    await bridge.login({ username: 'ada', password: 'pw' });
    await bridge.logout();
    expect(fetch.mock.calls[1]?.[0]).toBe(apiUrl('http://srv:8080', '/auth/logout'));
    expect(bodyOf(fetch.mock.calls[1]?.[1])).toEqual({ refreshToken: 'refresh-1' });
    expect(storage.map.size).toBe(0);
    await expect(bridge.getAuth()).resolves.toBeNull();
  });

  it('opens the viewer route in a new tab', async () => {
    const { bridge, openTab } = setup();
    await bridge.openSession('ada-firefox-0123abcd');
    expect(openTab).toHaveBeenCalledWith('#/viewer/ada-firefox-0123abcd');
  });

  it('adopts a rotation made by another tab that shared its refresh token', async () => {
    let deliver: (message: TabMessage) => void = () => undefined;
    const published: TabMessage[] = [];
    const tabSync: TabSync = {
      exclusive: (task) => task(),
      publish: (message) => void published.push(message),
      subscribe: (listener) => {
        deliver = listener;
      },
    };
    const { bridge, fetch, storage } = setup({ tabSync });
    storage.setItem(REFRESH_TOKEN_KEY, 'refresh-1');
    deliver({ type: 'rotated', previous: 'refresh-1', next: 'refresh-2', auth: { ...pair(2), user } });
    expect(storage.map.get(REFRESH_TOKEN_KEY)).toBe('refresh-2');
    await expect(bridge.getAccessToken()).resolves.toBe('access-2');
    expect(fetch).not.toHaveBeenCalled();

    deliver({ type: 'rotated', previous: 'refresh-9', next: 'refresh-10', auth: { ...pair(10), user } });
    expect(storage.map.get(REFRESH_TOKEN_KEY)).toBe('refresh-2');

    fetch.mockResolvedValueOnce(json(200, pair(3)));
    await bridge.refreshAccessToken();
    expect(published).toEqual([
      {
        type: 'rotated',
        previous: 'refresh-2',
        next: 'refresh-3',
        auth: expect.objectContaining({ accessToken: 'access-3' }),
      },
    ]);
  });
});
