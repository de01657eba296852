import { describe, expect, it } from 'vitest';
import { defaultStateDir, parseAgentEnv } from './config';

const valid = {
  STREAMSPACE_URL: 'https://ss.example.com',
  STREAMSPACE_AGENT_TOKEN: 'tok-secret',
  STREAMSPACE_AGENT_ID: 'agent-1',
};

describe('parseAgentEnv', () => {
  it('fills in defaults', () => {
    expect(parseAgentEnv(valid, '/home/u')).toEqual({
      ok: true,
      config: {
        baseUrl: 'https://ss.example.com',
        token: 'tok-secret',
        agentId: 'agent-1',
        runtime: 'local',
        stateDir: '/home/u/.local/state/streamspace-agent',
        maxSessions: 10,
        logLevel: 'info',
      },
    });
    expect(defaultStateDir('/h')).toBe('/h/.local/state/streamspace-agent');
  });

  it('takes explicit values, treating empty ones as unset', () => {
    const result = parseAgentEnv(
      {
        ...valid,
        STREAMSPACE_RUNTIME: 'local',
        STREAMSPACE_AGENT_STATE_DIR: '/var/lib/ss',
        STREAMSPACE_MAX_SESSIONS: '3',
        STREAMSPACE_LOG_LEVEL: '',
      },
      '/home/u',
    );
    expect(result).toMatchObject({
      ok: true,
      config: { stateDir: '/var/lib/ss', maxSessions: 3, logLevel: 'info' },
    });
  });

  it('names every problem without echoing secrets', () => {
    const result = parseAgentEnv(
      { STREAMSPACE_URL: 'ftp://x', STREAMSPACE_AGENT_TOKEN: '', STREAMSPACE_MAX_SESSIONS: 'many' },
      '/h',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.problems.join('\n');
    expect(text).toMatch(/STREAMSPACE_URL: must be the http\(s\) base URL/);
    expect(text).toMatch(/STREAMSPACE_AGENT_TOKEN: is required/);
    expect(text).toMatch(/STREAMSPACE_AGENT_ID: is required/);
    expect(text).toMatch(/STREAMSPACE_MAX_SESSIONS: must be a whole number/);
  });

  it('says clearly that only the local runtime exists', () => {
    const result = parseAgentEnv({ ...valid, STREAMSPACE_RUNTIME: 'kubernetes' }, '/h');
    expect(result).toEqual({
      ok: false,
      problems: ['STREAMSPACE_RUNTIME: only "local" is available in this agent so far'],
    });
    const unknown = parseAgentEnv({ ...valid, STREAMSPACE_RUNTIME: 'docker' }, '/h');
    expect(unknown.ok).toBe(false);
  });
});
