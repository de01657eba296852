import { describe, expect, it, vi } from 'vitest';
import { ApiError, apiUrl } from '../../../protocol';
import { fakeBridge, sessionDto } from '../testing/fakes';
import { createRendererApi } from './client';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const accepted = { commandId: 'c1', session: sessionDto('ada-firefox-0123abcd', 'hibernating') };
const name = 'ada-firefox-0123abcd';

describe('renderer api client', () => {
  it('sends the bearer token and parses the answer', async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) =>
      json(202, sessionDto('ada-firefox-0123abcd', 'pending')),
    );
    const api = createRendererApi({
      bridge: fakeBridge({ current: 'A', refreshed: 'B' }),
      fetch,
      onSignedOut: vi.fn(),
    });
    await expect(api.createSession({ body: { template: 'firefox' } })).resolves.toMatchObject({
      name: 'ada-firefox-0123abcd',
      state: 'pending',
    });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe(apiUrl('http://api.test', '/sessions'));
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('Authorization')).toBe('Bearer A');
    expect(init?.body).toBe('{"template":"firefox"}');
  });

  it('refreshes once on 401 and retries with the new token', async () => {
    const fetch = vi
      .fn<(url: string, init: RequestInit) => Promise<Response>>()
      .mockResolvedValueOnce(json(401, { error: { code: 'unauthorized', message: 'expired' } }))
      .mockResolvedValueOnce(json(202, accepted));
    const bridge = fakeBridge({ current: 'A', refreshed: 'B' });
    const onSignedOut = vi.fn();
    const api = createRendererApi({ bridge, fetch, onSignedOut });
    await expect(api.hibernateSession({ params: { name } })).resolves.toMatchObject({ commandId: 'c1' });
    expect(fetch.mock.calls[1]?.[0]).toBe(apiUrl('http://api.test', `/sessions/${name}/hibernate`));
    expect(new Headers(fetch.mock.calls[1]?.[1]?.headers).get('Authorization')).toBe('Bearer B');
    expect(bridge.refreshAccessToken).toHaveBeenCalledOnce();
    expect(onSignedOut).not.toHaveBeenCalled();
  });

  it('signs out after a second 401', async () => {
    const fetch = vi.fn(async () => json(401, { error: { code: 'unauthorized', message: 'no' } }));
    const bridge = fakeBridge({ current: 'A', refreshed: 'B' });
    const onSignedOut = vi.fn();
    const api = createRendererApi({ bridge, fetch, onSignedOut });
    await expect(api.listSessions()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(bridge.logout).toHaveBeenCalledOnce();
    expect(onSignedOut).toHaveBeenCalledOnce();
  });

  it('signs out when the refresh yields no token', async () => {
    const fetch = vi.fn(async () => json(401, { error: { code: 'unauthorized', message: 'no' } }));
    const bridge = fakeBridge({ current: 'A', refreshed: null });
    const onSignedOut = vi.fn();
    const api = createRendererApi({ bridge, fetch, onSignedOut });
    await expect(api.me()).rejects.toMatchObject({ status: 401 });
    expect(fetch).toHaveBeenCalledOnce();
    expect(bridge.logout).toHaveBeenCalledOnce();
    expect(onSignedOut).toHaveBeenCalledOnce();
  });

  it('keeps the sign-in when the network fails during the refresh', async () => {
    const fetch = vi.fn(async () => json(401, { error: { code: 'unauthorized', message: 'expired' } }));
    const bridge = fakeBridge({ current: 'A', refreshed: 'B' });
    bridge.refreshAccessToken.mockRejectedValueOnce(new ApiError(0, 'network', 'Failed to fetch'));
    const onSignedOut = vi.fn();
    const api = createRendererApi({ bridge, fetch, onSignedOut });
    await expect(api.me()).rejects.toMatchObject({ status: 0, code: 'network' });
    expect(bridge.logout).not.toHaveBeenCalled();
    expect(onSignedOut).not.toHaveBeenCalled();
  });

  it('signs out without a request when there is no token', async () => {
    const fetch = vi.fn<(url: string, init: RequestInit) => Promise<Response>>();
    const onSignedOut = vi.fn();
    const api = createRendererApi({
      bridge: fakeBridge({ current: null, refreshed: null }),
      fetch,
      onSignedOut,
    });
    await expect(api.listTemplates()).rejects.toBeInstanceOf(ApiError);
    expect(fetch).not.toHaveBeenCalled();
    expect(onSignedOut).toHaveBeenCalledOnce();
  });

  it('turns error bodies into ApiError', async () => {
    const fetch = vi.fn(async () => json(503, { error: { code: 'no_agent', message: 'No agent online' } }));
    const api = createRendererApi({
      bridge: fakeBridge({ current: 'A', refreshed: 'B' }),
      fetch,
      onSignedOut: vi.fn(),
    });
    await expect(api.createSession({ body: { template: 'firefox' } })).rejects.toMatchObject({
      status: 503,
      code: 'no_agent',
      message: 'No agent online',
    });
  });

  it('reports network failures and malformed answers', async () => {
    const bridge = fakeBridge({ current: 'A', refreshed: 'B' });
    const down = createRendererApi({
      bridge,
      fetch: vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
      onSignedOut: vi.fn(),
    });
    await expect(down.me()).rejects.toMatchObject({ code: 'network', status: 0 });
    const odd = createRendererApi({
      bridge,
      fetch: vi.fn(async () => json(200, { ping: 1 })),
      onSignedOut: vi.fn(),
    });
    await expect(odd.me()).rejects.toMatchObject({ code: 'invalid_response' });
  });
});
