import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runtime } from '../../agent';
import { configFromEnv } from '../../backend/config';
import { createLogger } from '../../backend/logger';
import { appPaths, findAppRoot } from '../../backend/paths';
import type { ApiClient } from '../../protocol';
import { type LocalStack, startLocalStack } from '../../stack/local-stack';
import { signedInApi } from './session-api';

export interface InProcessStack {
  dataDir: string;
  stack: LocalStack;
  /** Signed in as the stack's admin. */
  admin: ApiClient;
  adminToken: string;
  /** Closes the stack and removes its data dir. */
  close(): Promise<void>;
}

export interface InProcessStackOptions {
  /** The temporary data dir's name prefix. */
  prefix: string;
  password: string;
  maxSessions: number;
  /** More environment for the config; `setup` may write files into the data dir first. */
  env?: Record<string, string>;
  setup?: (dataDir: string) => Promise<Record<string, string>>;
  /** A runtime of the test's instead of the real local one. */
  runtimeInstance?: Runtime;
}

/** The local stack in this process, silent, on a fresh data dir, with the admin signed in. */
export async function startInProcessStack(options: InProcessStackOptions): Promise<InProcessStack> {
  const dataDir = await mkdtemp(join(tmpdir(), options.prefix));
  const extra = options.setup ? await options.setup(dataDir) : {};
  const config = configFromEnv(
    {
      STREAMSPACE_DATA_DIR: dataDir,
      STREAMSPACE_ADMIN_PASSWORD: options.password,
      LOG_LEVEL: 'silent',
      ...options.env,
      ...extra,
    },
    appPaths(findAppRoot(fileURLToPath(new URL('.', import.meta.url)))),
  );
  const stack = await startLocalStack(config, createLogger('silent'), {
    port: 0,
    host: '127.0.0.1',
    runtime: options.runtimeInstance ? undefined : { name: 'local' },
    maxSessions: options.maxSessions,
    ...(options.runtimeInstance ? { runtimeInstance: options.runtimeInstance } : {}),
  });
  const { api, token } = await signedInApi(stack.url, options.password);
  return {
    dataDir,
    stack,
    admin: api,
    adminToken: token,
    async close() {
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
