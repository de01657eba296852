import { homedir } from 'node:os';
import pino from 'pino';
import { parseAgentEnv } from './config';
import { LocalRuntime, localRuntimeAvailable } from './runtimes/local';
import { startAgent } from './start-agent';
import { AGENT_VERSION } from './version';

/** Exit code for a configuration the agent cannot run with. */
const EXIT_CONFIG = 2;

async function main(): Promise<number> {
  const parsed = parseAgentEnv(process.env, homedir());
  if (!parsed.ok) {
    process.stderr.write(`streamspace-agent: invalid configuration\n  ${parsed.problems.join('\n  ')}\n`);
    return EXIT_CONFIG;
  }
  const config = parsed.config;
  if (!localRuntimeAvailable()) {
    process.stderr.write("streamspace-agent: the local runtime needs Linux and TigerVNC's Xvnc on PATH\n");
    return EXIT_CONFIG;
  }
  const logger = pino({
    name: 'streamspace-agent',
    level: config.logLevel,
    // A second line of defence: nothing logs these on purpose.
    redact: {
      paths: ['token', '*.token', 'vncPassword', '*.vncPassword', '*.*.vncPassword'],
      censor: '[redacted]',
    },
  });
  const runtime = new LocalRuntime({ stateDir: config.stateDir, logger });
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
    { backend: config.baseUrl, stateDir: config.stateDir, version: AGENT_VERSION },
    'agent started',
  );

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
