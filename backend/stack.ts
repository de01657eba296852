import { join } from 'node:path';
import type { Logger } from 'pino';
import { LocalRuntime, localRuntimeAvailable, type Runtime, startAgent } from '../agent';
import type { RuntimeName } from '../protocol';
import type { BackendConfig } from './config';
import { type ControlPlane, createControlPlane } from './control-plane';

export const STACK_VERSION = '0.1.0';

export interface LocalStackOptions {
  port: number;
  host: string;
  runtime: RuntimeName | undefined;
  maxSessions: number;
}

export interface LocalStack {
  url: string;
  runtime: RuntimeName;
  controlPlane: ControlPlane;
  close(): Promise<void>;
}

export class StackError extends Error {
  override name = 'StackError';
}

function createRuntime(name: RuntimeName | undefined, config: BackendConfig, logger: Logger): Runtime {
  const wanted = name ?? 'local';
  if (wanted === 'kubernetes') {
    throw new StackError(
      'the kubernetes runtime is not available in this build yet; use STREAMSPACE_RUNTIME=local',
    );
  }
  if (!localRuntimeAvailable()) {
    throw new StackError(
      'the local runtime needs Linux with TigerVNC (Xvnc) installed: apt install tigervnc-standalone-server',
    );
  }
  return new LocalRuntime({ stateDir: join(config.dataDir, 'local-runtime'), logger });
}

/**
 * The local single-user stack: the control plane on loopback and an agent that dials it over the
 * same protocol a remote agent uses, in one process.
 */
export async function startLocalStack(
  config: BackendConfig,
  logger: Logger,
  options: LocalStackOptions,
): Promise<LocalStack> {
  const runtime = createRuntime(options.runtime, config, logger);
  const controlPlane = await createControlPlane(config, logger);
  let url: string;
  try {
    url = await controlPlane.listen(options.port, options.host);
  } catch (err) {
    await controlPlane.close();
    throw err;
  }
  const { agent, token } = await controlPlane.agents.ensureLocal(runtime.name, options.maxSessions);
  const agentHandle = startAgent({
    baseUrl: url,
    token,
    agentId: agent.id,
    runtime,
    maxSessions: options.maxSessions,
    logger: logger.child({ component: 'agent' }),
    version: STACK_VERSION,
  });
  return {
    url,
    runtime: runtime.name,
    controlPlane,
    async close() {
      await agentHandle.stop();
      await runtime.close();
      await controlPlane.close();
    },
  };
}
