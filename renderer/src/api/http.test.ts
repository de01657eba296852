import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { AuthState, DesktopBridge } from '../../../protocol';
import { ApiError } from './errors';
import { createHttpClient } from './http';

type FakeBridge = DesktopBridge;

function fakeBridge(tokens: { current: string | null; refreshed: string | null }): FakeBridge {
  return {
    kind: 'web',
    getServer: async () => ({ baseUrl: 'http://api.test', mode: 'headless' }),
    getAuth: async () => null,
    login: async () => ({}) as AuthState,
    logout: vi.fn(async () => undefined),
    getAccessToken: async () => tokens.current,
    refreshAccessToken: vi.fn(async () => tokens.refreshed),
    openSession: async () => undefined,
  };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const Pong = z.object({ pong: z.boolean() });

describe('http client', () => {
  it('sends the bearer token and parses the answer', async () => {
    const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) =>
      json(200, { pong: true }),
    );
    const http = createHttpClient({
      bridge: fakeBridge({ current: 'A', refreshed: 'B' }),
      fetch,
      onSignedOut: vi.fn(),
    });
    await expect(http.request('POST', '/api/v1/ping', Pong, { x: 1 })).resolves.toEqual({ pong: true });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('http://api.test/api/v1/ping');
    expect(new Headers(init?.headers).get('Authorization')).toBe('Bearer A');
    expect(init?.body).toBe('{"x":1}');
  });

  it('refreshes once on 401 and retries with the new token', async () => {
    const fetch = vi
      .fn<typeof globalThis.fetch>()
      .mockResolvedValueOnce(json(401, { error: { code: 'unauthorized', message: 'expired' } }))
      .mockResolvedValueOnce(json(200, { pong: true }));
    const bridge = fakeBridge({ current: 'A', refreshed: 'B' });
    const onSignedOut = vi.fn();
    const http = createHttpClient({ bridge, fetch, onSignedOut });
    await expect(http.request('GET', '/p', Pong)).resolves.toEqual({ pong: true });
    expect(new Headers(fetch.mock.calls[1]?.[1]?.headers).get('Authorization')).toBe('Bearer B');
    expect(onSignedOut).not.toHaveBeenCalled();
  });

  it('signs out after a second 401', async () => {
    const fetch = vi.fn(async () => json(401, { error: { code: 'unauthorized', message: 'no' } }));
    const bridge = fakeBridge({ current: 'A', refreshed: 'B' });
    const onSignedOut = vi.fn();
    const http = createHttpClient({ bridge, fetch, onSignedOut });
    await expect(http.request('GET', '/p', Pong)).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(bridge.logout).toHaveBeenCalledOnce();
    expect(onSignedOut).toHaveBeenCalledOnce();
  });

  it('signs out without a request when there is no token', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>();
    const onSignedOut = vi.fn();
    const http = createHttpClient({
      bridge: fakeBridge({ current: null, refreshed: null }),
      fetch,
      onSignedOut,
    });
    await expect(http.request('GET', '/p', Pong)).rejects.toBeInstanceOf(ApiError);
    expect(fetch).not.toHaveBeenCalled();
    expect(onSignedOut).toHaveBeenCalledOnce();
  });

  it('turns error bodies into ApiError', async () => {
    const fetch = vi.fn(async () => json(503, { error: { code: 'no_agent', message: 'No agent online' } }));
    const http = createHttpClient({
      bridge: fakeBridge({ current: 'A', refreshed: 'B' }),
      fetch,
      onSignedOut: vi.fn(),
    });
    await expect(http.request('POST', '/p', Pong)).rejects.toMatchObject({
      status: 503,
      code: 'no_agent',
      message: 'No agent online',
    });
  });

  it('reports network failures and malformed answers', async () => {
    const bridge = fakeBridge({ current: 'A', refreshed: 'B' });
    const down = createHttpClient({
      bridge,
      fetch: vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
      onSignedOut: vi.fn(),
    });
    await expect(down.request('GET', '/p', Pong)).rejects.toMatchObject({ code: 'network', status: 0 });
    const odd = createHttpClient({
      bridge,
      fetch: vi.fn(async () => json(200, { ping: 1 })),
      onSignedOut: vi.fn(),
    });
    await expect(odd.request('GET', '/p', Pong)).rejects.toMatchObject({ code: 'invalid_response' });
  });
});
