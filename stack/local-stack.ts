import type { Logger } from 'pino';
import { type Runtime, startAgent } from '../agent';
import { missingProgram } from '../agent/runtimes/local/available';
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
  /** A runtime of the caller's instead of the one `runtime` names: the tunnel benchmark's stand-in. */
  runtimeInstance?: Runtime;
}

export interface LocalStack {
  url: string;
  runtime: RuntimeName;
  controlPlane: ControlPlane;
  /**
   * Sessions keep running by default, for the next start to adopt; `terminateSessions` (the
   * desktop's "terminate sessions on quit") stops them first, their Xvnc included.
   */
  close(options?: { terminateSessions?: boolean }): Promise<void>;
}

/**
 * The local single-user stack: the control plane on loopback and an agent that dials it over the
 * same protocol a remote agent uses, in one process. Viewers of its sessions take one hop: the
 * backend pipes them straight to the runtime's stream, with no tunnel over loopback.
 */
export async function startLocalStack(
  config: BackendConfig,
  logger: Logger,
  options: LocalStackOptions,
): Promise<LocalStack> {
  const runtime =
    options.runtimeInstance ??
    createRuntime(options.runtime, {
      dataDir: config.dataDir,
      logger,
      env: options.env ?? process.env,
    });
  // Known once the control plane has registered it, before any session can be placed on it.
  let localAgentId: string | null = null;
  const controlPlane = await createControlPlane(config, logger, {
    localStack: true,
    // The local runtime runs apps from this host's PATH, so the catalog can tell which are missing.
    ...(runtime.name === 'local'
      ? {
          localAvailability: (local) =>
            missingProgram(local, process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'),
        }
      : {}),
    localStreams: {
      serves: (agentId) => agentId === localAgentId,
      open: (session, reader) => runtime.openStream(session, { onread: reader.onread }),
    },
  });
  let url: string;
  try {
    url = await controlPlane.listen(options.port, options.host);
  } catch (err) {
    await controlPlane.close();
    throw err;
  }
  // A local-runtime agent runs sessions as this process's Unix account: it serves the local admin only.
  const { agent, token } = await controlPlane.agents.ensureLocal(runtime.name, options.maxSessions, 'admin');
  localAgentId = agent.id;
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
    async close(closeOptions = {}) {
      if (closeOptions.terminateSessions) {
        const running = await runtime.list().catch(() => []);
        await Promise.allSettled(
          running.map(async ({ name }) => {
            await runtime.stop(name);
            // Recorded here, not through the agent's report: the agent is about to disconnect.
            await controlPlane.sessions.status(agent.id, name, 'terminated', 'terminated on quit');
          }),
        );
      }
      await agentHandle.stop();
      await runtime.close();
      await controlPlane.close();
    },
  };
}
