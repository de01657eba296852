import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromEnv } from '../../backend/config';
import { type ControlPlane, createControlPlane } from '../../backend/control-plane';
import { createLogger } from '../../backend/logger';
import { appPaths, findAppRoot } from '../../backend/paths';
import type { TokenPair } from '../../protocol';
import { createPostgresDatabase, type DbKind } from './databases';

export const ADMIN_PASSWORD = 'admin-test-password';

export interface TestBackend {
  url: string;
  cp: ControlPlane;
  dataDir: string;
  login(username?: string, password?: string): Promise<TokenPair>;
  /** fetch against the API with an optional bearer token and JSON body. */
  api(
    path: string,
    init?: {
      method?: string;
      token?: string;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    },
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestBackend(
  kind: DbKind = 'pglite',
  env: Record<string, string> = {},
  reuse?: { dataDir: string; databaseUrl?: string },
  logDestination?: { write(line: string): void },
): Promise<TestBackend> {
  const dataDir = reuse?.dataDir ?? mkdtempSync(join(tmpdir(), 'ss-backend-'));
  const pgdb = kind === 'postgres' && !reuse?.databaseUrl ? await createPostgresDatabase() : undefined;
  const databaseUrl = reuse?.databaseUrl ?? pgdb?.url;
  const config = configFromEnv(
    {
      STREAMSPACE_DATA_DIR: dataDir,
      STREAMSPACE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      STREAMSPACE_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
      STREAMSPACE_LOGIN_FAILURES_PER_USER: '1000',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...env,
    },
    appPaths(findAppRoot(fileURLToPath(new URL('.', import.meta.url)))),
  );
  const cp = await createControlPlane(config, createLogger(config.logLevel, logDestination));
  const url = await cp.listen(0, '127.0.0.1');
  const api: TestBackend['api'] = (path, init = {}) =>
    fetch(`${url}/api/v1${path}`, {
      method: init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET'),
      headers: {
        ...(init.body !== undefined || init.rawBody !== undefined
          ? { 'Content-Type': 'application/json' }
          : {}),
        ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      body: init.rawBody ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
    });
  return {
    url,
    cp,
    dataDir,
    api,
    async login(username = 'admin', password = ADMIN_PASSWORD) {
      const res = await api('/auth/login', { body: { username, password } });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as TokenPair;
    },
    async close() {
      await cp.close();
      await pgdb?.drop();
      if (!reuse) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
