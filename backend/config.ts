import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** The platform's app-data folder, where a desktop app keeps its state. */
export function defaultDataDir(platform = process.platform, env = process.env, home = homedir()): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'StreamSpace');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'StreamSpace');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'streamspace');
}

const intFromEnv = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

const Env = z.object({
  STREAMSPACE_DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional(),
  STREAMSPACE_ADMIN_PASSWORD: z.string().min(1).optional(),
  STREAMSPACE_IDLE_HIBERNATE_MINUTES: z.coerce.number().min(0).default(30),
  STREAMSPACE_MAX_SESSIONS_PER_USER: intFromEnv(5, 1),
  STREAMSPACE_START_TIMEOUT_SECONDS: intFromEnv(120, 1),
  STREAMSPACE_COMMAND_TIMEOUT_SECONDS: intFromEnv(60, 1),
  STREAMSPACE_HEARTBEAT_SECONDS: z.coerce.number().positive().default(5),
  STREAMSPACE_NAMESPACE: z.string().default('streamspace'),
  STREAMSPACE_TEMPLATES_DIR: z.string().optional(),
  STREAMSPACE_ALLOWED_ORIGINS: z.string().default(''),
  STREAMSPACE_LOGIN_ATTEMPTS_PER_MINUTE: intFromEnv(20, 1),
  STREAMSPACE_LOGIN_FAILURES_PER_USER: intFromEnv(5, 1),
  STREAMSPACE_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface BackendConfig {
  dataDir: string;
  databaseUrl: string | undefined;
  adminPassword: string | undefined;
  idleHibernateMs: number;
  maxSessionsPerUser: number;
  startTimeoutMs: number;
  commandTimeoutMs: number;
  heartbeatIntervalMs: number;
  namespace: string;
  /** Template folders in override order: built-in first, the user's last. */
  templateDirs: string[];
  allowedOrigins: string[];
  loginAttemptsPerMinute: number;
  loginFailuresPerUser: number;
  trustProxy: boolean;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  /** Where migrations and the built renderer are found. */
  migrationsDir: string;
  rendererDir: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function configFromEnv(
  env: NodeJS.ProcessEnv,
  paths: { migrationsDir: string; builtinTemplatesDir: string; rendererDir?: string | undefined },
): BackendConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const e = parsed.data;
  const dataDir = e.STREAMSPACE_DATA_DIR ?? defaultDataDir();
  return {
    dataDir,
    databaseUrl: e.DATABASE_URL,
    adminPassword: e.STREAMSPACE_ADMIN_PASSWORD,
    idleHibernateMs: e.STREAMSPACE_IDLE_HIBERNATE_MINUTES * 60_000,
    maxSessionsPerUser: e.STREAMSPACE_MAX_SESSIONS_PER_USER,
    startTimeoutMs: e.STREAMSPACE_START_TIMEOUT_SECONDS * 1000,
    commandTimeoutMs: e.STREAMSPACE_COMMAND_TIMEOUT_SECONDS * 1000,
    heartbeatIntervalMs: Math.round(e.STREAMSPACE_HEARTBEAT_SECONDS * 1000),
    namespace: e.STREAMSPACE_NAMESPACE,
    templateDirs: [paths.builtinTemplatesDir, e.STREAMSPACE_TEMPLATES_DIR ?? join(dataDir, 'templates')],
    allowedOrigins: e.STREAMSPACE_ALLOWED_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    loginAttemptsPerMinute: e.STREAMSPACE_LOGIN_ATTEMPTS_PER_MINUTE,
    loginFailuresPerUser: e.STREAMSPACE_LOGIN_FAILURES_PER_USER,
    trustProxy: e.STREAMSPACE_TRUST_PROXY === 'true',
    logLevel: e.LOG_LEVEL,
    migrationsDir: paths.migrationsDir,
    rendererDir: paths.rendererDir,
  };
}
