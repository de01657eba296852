import type { SessionDto, SessionState, TemplateDto, TokenPair } from '../../protocol';
import { sampleSession } from '../../protocol/testing/fixtures';

export function template(name: string, overrides: Partial<TemplateDto> = {}): TemplateDto {
  return {
    name,
    displayName: name[0]!.toUpperCase() + name.slice(1),
    description: `${name} in a box`,
    category: 'apps',
    tags: [],
    defaultResources: { memory: '1Gi', cpu: '1' },
    runtimes: ['local'],
    ...overrides,
  };
}

let counter = 0;

export function session(
  templateName: string,
  state: SessionState,
  overrides: Partial<SessionDto> = {},
): SessionDto {
  counter += 1;
  const suffix = counter.toString(16).padStart(8, '0');
  const stamp = new Date(Date.UTC(2025, 0, 1, 0, 0, counter)).toISOString();
  return sampleSession({
    name: `admin-${templateName}-${suffix}`,
    user: 'admin',
    template: templateName,
    state,
    resources: { memory: '1Gi', cpu: '1' },
    agentId: 'local',
    createdAt: stamp,
    updatedAt: stamp,
    ...overrides,
  });
}

export function tokenPair(n: number, expiresAt: Date): TokenPair {
  return {
    accessToken: `access-${n}`,
    refreshToken: `refresh-${n}`,
    expiresAt: expiresAt.toISOString(),
    user: { id: 'u1', username: 'admin', role: 'admin', createdAt: '2025-01-01T00:00:00.000Z' },
  };
}

const PROFILES = {
  activeId: 'local',
  profiles: [{ id: 'local', name: 'Local', mode: 'local' as const }],
};

/** The Settings page's IPC handlers answering fixed values, for tests about the IPC plumbing. */
export const desktopHandlerStubs = {
  'profiles:list': () => PROFILES,
  'profiles:add': () => PROFILES,
  'profiles:switch': () => PROFILES,
  'profiles:remove': () => PROFILES,
  'app-settings:get': () => ({ terminateSessionsOnQuit: false, closeDashboard: 'auto' as const }),
  'app-settings:set': () => ({ terminateSessionsOnQuit: true, closeDashboard: 'auto' as const }),
};
