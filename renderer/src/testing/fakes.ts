import { vi } from 'vitest';
import type { ApiClient, AuthState, DesktopBridge, SessionDto, SessionState } from '../../../protocol';
import { sampleSession } from '../../../protocol/testing/fixtures';
import type { Services } from '../app/services';

/** Test doubles shared by the renderer's unit tests. */

export function sessionDto(name: string, state: SessionState, extra: Partial<SessionDto> = {}): SessionDto {
  return sampleSession({ name, state, ...extra });
}

export function fakeBridge(tokens: { current: string | null; refreshed: string | null }) {
  return {
    kind: 'web',
    getServer: vi.fn(async () => ({ baseUrl: 'http://api.test', mode: 'headless' as const })),
    getAuth: vi.fn(async () => null),
    login: vi.fn(async () => ({}) as AuthState),
    logout: vi.fn(async () => undefined),
    getAccessToken: vi.fn(async () => tokens.current),
    refreshAccessToken: vi.fn(async () => tokens.refreshed),
    openSession: vi.fn(async (_name: string) => undefined),
  } satisfies DesktopBridge;
}

type ApiMocks = { [K in keyof ApiClient]: ReturnType<typeof vi.fn<ApiClient[K]>> };

/** Every route rejects unless the test gives it an answer. */
export function fakeApi(): ApiMocks {
  return new Proxy({} as ApiMocks, {
    get(target, key: string) {
      const mocks = target as Record<string, unknown>;
      mocks[key] ??= vi.fn(async () => {
        throw new Error(`unexpected api.${key}()`);
      });
      return mocks[key];
    },
  });
}

export function fakeServices() {
  const api = fakeApi();
  const bridge = fakeBridge({ current: 'A', refreshed: 'B' });
  const services: Services = { api: api as unknown as ApiClient, bridge };
  return { api, bridge, services };
}
