import { homedir } from 'node:os';
import pino, { type Logger } from 'pino';
import { type AgentConfig, parseCommandLine } from './config';
import type { Runtime } from './runtime';
import { KubernetesRuntime } from './runtimes/kubernetes';
import { KubeConfigError, loadKubeConfig } from './runtimes/kubernetes/kube-config';
import { LocalRuntime, localRuntimeAvailable } from './runtimes/local';
import { startAgent } from './start-agent';
import { AGENT_VERSION } from './version';

/** Exit code for a configuration the agent cannot run with. */
const EXIT_CONFIG = 2;

/** A reason the runtime cannot be built from this configuration, for the user to fix. */
class RuntimeUnavailable extends Error {}

function createRuntime(config: AgentConfig, logger: Logger): { runtime: Runtime; details: object } {
  if (config.runtime === 'local') {
    if (!localRuntimeAvailable()) {
      throw new RuntimeUnavailable("the local runtime needs Linux and TigerVNC's Xvnc on PATH");
    }
    return {
      runtime: new LocalRuntime({ stateDir: config.stateDir, logger }),
      details: { stateDir: config.stateDir },
    };
  }
  let loaded: ReturnType<typeof loadKubeConfig>;
  try {
    loaded = loadKubeConfig({ ...config.kube, policy: 'agent' }, process.env);
  } catch (error) {
    if (error instanceof KubeConfigError) throw new RuntimeUnavailable(error.message);
    throw error;
  }
  const runtime = new KubernetesRuntime({
    kubeConfig: loaded.kubeConfig,
    settings: config.settings,
    inCluster: loaded.inCluster,
    logger,
  });
  return {
    runtime,
    details: { context: loaded.context, inCluster: loaded.inCluster, namespace: config.settings.namespace },
  };
}

async function main(): Promise<number> {
  const parsed = parseCommandLine(process.argv.slice(2), process.env, { homeDir: homedir() });
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.text);
    return 0;
  }
  if (parsed.kind === 'invalid') {
    process.stderr.write(`streamspace-agent: invalid configuration\n  ${parsed.problems.join('\n  ')}\n`);
    return EXIT_CONFIG;
  }
  const config = parsed.config;
  const logger = pino({
    name: 'streamspace-agent',
    level: config.logLevel,
    // A second line of defence: nothing logs these on purpose.
    redact: {
      paths: ['token', '*.token', 'vncPassword', '*.vncPassword', '*.*.vncPassword'],
      censor: '[redacted]',
    },
  });
  let built: ReturnType<typeof createRuntime>;
  try {
    built = createRuntime(config, logger);
  } catch (error) {
    if (!(error instanceof RuntimeUnavailable)) throw error;
    process.stderr.write(`streamspace-agent: ${error.message}\n`);
    return EXIT_CONFIG;
  }
  const { runtime } = built;
  const agent = startAgent({
    baseUrl: config.baseUrl,
    token: config.token,
    agentId: config.agentId,
    runtime,
    maxSessions: config.maxSessions,
    logger,
    version: AGENT_VERSION,
  });
  logger.info(
    { backend: config.baseUrl, runtime: runtime.name, ...built.details, version: AGENT_VERSION },
    'agent started',
  );
  if (config.insecureHttp) {
    logger.warn(
      { backend: config.baseUrl },
      'plain http to another machine (--allow-insecure-http): the agent token and VNC passwords cross the network unencrypted',
    );
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  // A second signal means the user is done waiting.
  const force = () => process.exit(130);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  logger.info({ signal }, 'stopping; sessions keep running');
  await agent.stop();
  await runtime.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`streamspace-agent: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
