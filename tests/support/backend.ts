import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromEnv } from '../../backend/config';
import { type ControlPlane, createControlPlane } from '../../backend/control-plane';
import { createLogger } from '../../backend/logger';
import { appPaths, findAppRoot } from '../../backend/paths';
import { type ApiClient, apiUrl, createApiClient, type TokenPair } from '../../protocol';
import { createPostgresDatabase, type DbKind } from './databases';
import { ProtocolAgent } from './protocol-agent';

export const ADMIN_PASSWORD = 'admin-test-password';

export interface TestBackend {
  url: string;
  cp: ControlPlane;
  dataDir: string;
  login(username?: string, password?: string): Promise<TokenPair>;
  /** The one typed client, bound to this backend and, when given, signed in with `token`. */
  client(token?: string): ApiClient;
  /**
   * The raw escape hatch: fetch against an API path (with its query, if any) with an optional
   * bearer token and JSON body, for tests that send what no client would or read raw statuses
   * and headers.
   */
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
      STREAMSPACE_LOGIN_FAILURES_PER_ADDRESS: '1000',
      STREAMSPACE_LOGIN_FAILURES_PER_USER: '1000',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...env,
    },
    appPaths(findAppRoot(fileURLToPath(new URL('.', import.meta.url)))),
  );
  const cp = await createControlPlane(config, createLogger(config.logLevel, logDestination));
  const url = await cp.listen(0, '127.0.0.1');
  const client = (token?: string) => createApiClient({ baseUrl: url, token: () => token });
  const api: TestBackend['api'] = (path, init = {}) => {
    const q = path.indexOf('?');
    const target = q < 0 ? apiUrl(url, path) : apiUrl(url, path.slice(0, q)) + path.slice(q);
    return fetch(target, {
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
  };
  return {
    url,
    cp,
    dataDir,
    api,
    client,
    login: (username = 'admin', password = ADMIN_PASSWORD) =>
      client().login({ body: { username, password } }),
    async close() {
      await cp.close();
      await pgdb?.drop();
      if (!reuse) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Registers an agent straight in the control plane and connects a protocol-level peer for it. It
 * is a shared local-runtime agent, owned by the admin, so that every test user can launch on it;
 * tests of who may use an agent create their own.
 */
export async function connectAgent(b: TestBackend, name: string, maxSessions = 10): Promise<ProtocolAgent> {
  const created = await b.cp.agents.create({
    name,
    runtime: 'local',
    maxSessions,
    owner: 'admin',
    shared: true,
  });
  const agent = new ProtocolAgent(b.url, created.agent.id, created.token);
  await agent.connect();
  return agent;
}
