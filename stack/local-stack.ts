import type { Logger } from 'pino';
import { startAgent } from '../agent';
import type { BackendConfig } from '../backend/config';
import { type ControlPlane, createControlPlane } from '../backend/control-plane';
import type { RuntimeName } from '../protocol';
import { createRuntime, type RuntimeChoice } from './runtime-factory';

export { type RuntimeChoice, StackError } from './runtime-factory';

export const STACK_VERSION = '0.1.0';

export interface LocalStackOptions {
  port: number;
  host: string;
  runtime: RuntimeChoice | undefined;
  maxSessions: number;
  /** Where the kubernetes runtime reads KUBECONFIG and HOME; process.env unless a test says otherwise. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface LocalStack {
  url: string;
  runtime: RuntimeName;
  controlPlane: ControlPlane;
  close(): Promise<void>;
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
  const runtime = createRuntime(options.runtime, {
    dataDir: config.dataDir,
    logger,
    env: options.env ?? process.env,
  });
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
