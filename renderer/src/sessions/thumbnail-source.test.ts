import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApiClient } from '../../../protocol';
import { fakeApi } from '../testing/fakes';
import { fetchThumbnail } from './thumbnail-source';

const NAME = 'admin-xterm-0000abcd';

describe('fetchThumbnail', () => {
  it('GETs the route through the typed client with the bearer token, and hands back the image', async () => {
    const fetch = vi.fn(
      async (_url: string, _init: RequestInit) =>
        new Response(new Uint8Array([0xff, 0xd8, 0xff]), { headers: { 'Content-Type': 'image/jpeg' } }),
    );
    const api = createApiClient({ baseUrl: 'http://api.test', fetch, token: () => 't1' });
    const result = await fetchThumbnail(api, NAME);
    expect(fetch.mock.calls[0]?.[0]).toBe(`http://api.test/api/v1/sessions/${NAME}/thumbnail`);
    expect(fetch.mock.calls[0]?.[1]).toMatchObject({
      headers: { Authorization: 'Bearer t1', Accept: '*/*' },
    });
    if (result.kind !== 'image') throw new Error(`expected an image, got ${result.kind}`);
    expect([...new Uint8Array(await result.blob.arrayBuffer())]).toEqual([0xff, 0xd8, 0xff]);
  });

  it('reads an image route’s error as the API’s JSON error', async () => {
    const fetch = vi.fn(
      async () =>
        new Response(JSON.stringify({ error: { code: 'conflict', message: 'the session is hibernated' } }), {
          status: 409,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    const api = createApiClient({ baseUrl: 'http://api.test', fetch, token: () => 't1' });
    await expect(api.sessionThumbnail({ params: { name: NAME } })).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
      message: 'the session is hibernated',
    });
    expect(await fetchThumbnail(api, NAME)).toEqual({ kind: 'none' });
  });

  it('shows nothing for a session that is gone, and reports other failures', async () => {
    const api = fakeApi();
    api.sessionThumbnail.mockRejectedValueOnce(new ApiError(404, 'not_found', 'no session'));
    expect(await fetchThumbnail(api, NAME)).toEqual({ kind: 'none' });
    api.sessionThumbnail.mockRejectedValueOnce(new ApiError(503, 'no_agent', 'the agent is offline'));
    expect(await fetchThumbnail(api, NAME)).toEqual({ kind: 'error', message: 'the agent is offline' });
  });
});
