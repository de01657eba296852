import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../protocol/files';

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
  STREAMSPACE_LOGIN_FAILURES_PER_ADDRESS: intFromEnv(20, 1),
  STREAMSPACE_LOGIN_FAILURES_PER_USER: intFromEnv(5, 1),
  STREAMSPACE_LOGIN_MAX_DELAY_SECONDS: intFromEnv(300, 1),
  STREAMSPACE_TRUSTED_PROXIES: z.string().default(''),
  STREAMSPACE_PUBLIC_URL: z.string().default(''),
  STREAMSPACE_MAX_UPLOAD_BYTES: intFromEnv(DEFAULT_MAX_UPLOAD_BYTES, 0),
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
  /** Failed logins per address, and per username, before each further attempt has to wait. */
  loginFailuresPerAddress: number;
  loginFailuresPerUser: number;
  /** The cap of that growing wait. */
  loginMaxDelayMs: number;
  /** Express's `trust proxy`: how many hops, or which proxy addresses, may name the client. */
  trustedProxies: TrustedProxies;
  /** Origins (scheme://host[:port]) this server is reached at besides loopback. */
  publicUrls: string[];
  /** The largest file a session's owner may upload into it. */
  maxUploadBytes: number;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  /** Where migrations and the built renderer are found. */
  migrationsDir: string;
  rendererDir: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Variables that once existed. Failing beats ignoring them: an operator who set one believes it
 * still protects them.
 */
const REMOVED: Record<string, string> = {
  STREAMSPACE_TRUST_PROXY:
    'it trusted every hop, so any client could pick its own address. Set STREAMSPACE_TRUSTED_PROXIES ' +
    'to the number of proxies in front of this server (e.g. 1) or to their addresses/CIDRs, comma-separated',
  STREAMSPACE_LOGIN_ATTEMPTS_PER_MINUTE:
    'set STREAMSPACE_LOGIN_FAILURES_PER_ADDRESS, the failed logins per address before each further one waits',
};

/** Hop count, or proxy addresses; 0 trusts nothing, so `X-Forwarded-For` is ignored. */
export type TrustedProxies = number | string[];

// proxy-addr's named ranges, which express accepts alongside addresses and CIDRs.
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function validProxyEntry(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address = '', bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

export function parseTrustedProxies(value: string): TrustedProxies {
  const trimmed = value.trim();
  if (trimmed === '') return 0;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const entries = trimmed
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = entries.filter((e) => !validProxyEntry(e));
  if (bad.length > 0 || entries.length === 0) {
    throw new ConfigError(
      `invalid configuration: STREAMSPACE_TRUSTED_PROXIES: expected a hop count or addresses/CIDRs, got ${bad.join(', ') || value}`,
    );
  }
  return entries;
}

export function parsePublicUrls(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((raw) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new ConfigError(`invalid configuration: STREAMSPACE_PUBLIC_URL: not a URL: ${raw}`);
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new ConfigError(`invalid configuration: STREAMSPACE_PUBLIC_URL: not http(s): ${raw}`);
      }
      return url.origin;
    });
}

export function configFromEnv(
  env: NodeJS.ProcessEnv,
  paths: { migrationsDir: string; builtinTemplatesDir: string; rendererDir?: string | undefined },
): BackendConfig {
  for (const [name, instead] of Object.entries(REMOVED)) {
    if (env[name] !== undefined) throw new ConfigError(`${name} is no longer supported: ${instead}`);
  }
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
    loginFailuresPerAddress: e.STREAMSPACE_LOGIN_FAILURES_PER_ADDRESS,
    loginFailuresPerUser: e.STREAMSPACE_LOGIN_FAILURES_PER_USER,
    loginMaxDelayMs: e.STREAMSPACE_LOGIN_MAX_DELAY_SECONDS * 1000,
    trustedProxies: parseTrustedProxies(e.STREAMSPACE_TRUSTED_PROXIES),
    publicUrls: parsePublicUrls(e.STREAMSPACE_PUBLIC_URL),
    maxUploadBytes: e.STREAMSPACE_MAX_UPLOAD_BYTES,
    logLevel: e.LOG_LEVEL,
    migrationsDir: paths.migrationsDir,
    rendererDir: paths.rendererDir,
  };
}
