import { join } from 'node:path';
import { z } from 'zod';
import { RuntimeName } from '../protocol';

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const AgentEnv = z.object({
  STREAMSPACE_URL: z.url({ protocol: /^https?$/, error: 'must be the http(s) base URL of the backend' }),
  STREAMSPACE_AGENT_TOKEN: z.string({ error: 'is required' }).min(1, 'is required'),
  STREAMSPACE_AGENT_ID: z
    .string({ error: 'is required' })
    .min(1, 'is required')
    .max(100, 'must be at most 100 characters'),
  STREAMSPACE_RUNTIME: RuntimeName.default('local').refine((runtime) => runtime === 'local', {
    error: 'only "local" is available in this agent so far',
  }),
  STREAMSPACE_AGENT_STATE_DIR: z.string().min(1).optional(),
  STREAMSPACE_MAX_SESSIONS: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100_000, 'must be at most 100000')
    .default(10),
  STREAMSPACE_LOG_LEVEL: LogLevel.default('info'),
});

export interface AgentConfig {
  baseUrl: string;
  token: string;
  agentId: string;
  runtime: 'local';
  stateDir: string;
  maxSessions: number;
  logLevel: z.infer<typeof LogLevel>;
}

export type ConfigResult = { ok: true; config: AgentConfig } | { ok: false; problems: string[] };

export function defaultStateDir(homeDir: string): string {
  return join(homeDir, '.local', 'state', 'streamspace-agent');
}

/** Reads the standalone agent's environment. Problems name the variable, never echo its value. */
export function parseAgentEnv(
  env: Readonly<Record<string, string | undefined>>,
  homeDir: string,
): ConfigResult {
  // An empty variable is as good as unset: `FOO= agent` should fall back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = AgentEnv.safeParse(present);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`,
      ),
    };
  }
  const data = parsed.data;
  return {
    ok: true,
    config: {
      baseUrl: data.STREAMSPACE_URL,
      token: data.STREAMSPACE_AGENT_TOKEN,
      agentId: data.STREAMSPACE_AGENT_ID,
      runtime: 'local',
      stateDir: data.STREAMSPACE_AGENT_STATE_DIR ?? defaultStateDir(homeDir),
      maxSessions: data.STREAMSPACE_MAX_SESSIONS,
      logLevel: data.STREAMSPACE_LOG_LEVEL,
    },
  };
}
