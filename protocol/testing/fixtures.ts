// Test data shared by main, renderer, backend and protocol tests. tsconfig.web compiles this folder
// too, so nothing here may import a node module.
import type { SessionDto } from '../sessions';

/**
 * A session as the API reports it: ada's firefox, running. Overrides replace whole fields; a
 * different state also sets status.phase, unless the overrides give a status of their own.
 */
export function sampleSession(overrides: Partial<SessionDto> = {}): SessionDto {
  const state = overrides.state ?? 'running';
  return {
    name: 'ada-firefox-0123abcd',
    namespace: 'streamspace',
    user: 'ada',
    template: 'firefox',
    state,
    status: { phase: state, message: '' },
    resources: { memory: '2Gi', cpu: '1' },
    persistentHome: false,
    agentId: 'agent-1',
    runtime: 'local',
    createdAt: '2025-01-01T12:00:00.000Z',
    updatedAt: '2025-01-01T12:00:00.000Z',
    ...overrides,
  };
}
