import type { z } from 'zod';
import type { DesktopBridge } from '../../../protocol';
import { ApiError, apiErrorFrom, isApiError } from './errors';
import { apiUrl } from './urls';

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'PATCH';

export interface HttpClient {
  request<S extends z.ZodType>(
    method: HttpMethod,
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>>;
}

export interface HttpClientDeps {
  bridge: DesktopBridge;
  fetch: typeof fetch;
  /** Told once the client has given up on the sign-in, so the UI can show the login form. */
  onSignedOut: () => void;
}

const signedOut = () => new ApiError(401, 'unauthorized', 'You are signed out.');

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function createHttpClient({ bridge, fetch, onSignedOut }: HttpClientDeps): HttpClient {
  async function send(method: HttpMethod, url: string, token: string, body: unknown): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new ApiError(0, 'network', cause instanceof Error ? cause.message : 'Network error');
    }
  }

  async function giveUp(): Promise<never> {
    // Logout may fail for the same reason the token did; the user must sign in again either way.
    await bridge.logout().catch(() => undefined);
    onSignedOut();
    throw signedOut();
  }

  async function refreshOrNull(): Promise<string | null> {
    try {
      return await bridge.refreshAccessToken();
    } catch (error) {
      // Losing the network mid-refresh is no reason to sign the user out.
      if (isApiError(error) && error.code === 'network') throw error;
      return null;
    }
  }

  return {
    async request(method, path, schema, body) {
      const url = apiUrl((await bridge.getServer()).baseUrl, path);
      const token = await bridge.getAccessToken();
      if (!token) return giveUp();
      let response = await send(method, url, token, body);
      if (response.status === 401) {
        // One refresh and one retry: a second 401 means the sign-in itself is gone.
        const fresh = await refreshOrNull();
        if (!fresh) return giveUp();
        response = await send(method, url, fresh, body);
        if (response.status === 401) return giveUp();
      }
      const payload = await readJson(response);
      if (!response.ok) throw apiErrorFrom(response.status, payload);
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        throw new ApiError(response.status, 'invalid_response', `Unexpected answer from ${method} ${path}`);
      }
      return parsed.data;
    },
  };
}
