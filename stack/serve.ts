/**
 * `npm run serve [-- --runtime kubernetes [--kubeconfig PATH] [--context NAME] [--namespace NS]]`:
 * the local stack without Electron, with the renderer served at /. When Electron main starts it
 * with a message channel (a utilityProcess, or fork IPC in tests) it waits there for its secrets
 * and reports readiness there instead of relying on stdout.
 */
import { parseArgs } from 'node:util';
import { announceAdminPassword } from '../backend/admin-password';
import { ConfigError, configFromEnv } from '../backend/config';
import { PRIVATE_UMASK } from '../backend/data-dir';
import { createLogger } from '../backend/logger';
import { appPaths, findAppRoot } from '../backend/paths';
import { STACK_ENV, STACK_FLAGS, type StackMessage } from '../protocol';
import { StackError, startLocalStack } from './local-stack';
import { answerLaunchChallenges, type ChannelProcess, NoConfigError, parentChannel } from './parent-channel';
import { runtimeChoice } from './runtime-choice';

// First, before anything can create a file: the data folder holds every secret of the install.
process.umask(PRIVATE_UMASK);

// Before any await: a fork IPC message that arrives with no listener is lost.
const channel = parentChannel(process as unknown as ChannelProcess);
/** How long a parent has to send the config message; main sends it right after the start. */
const CONFIG_WAIT_MS = 30_000;

function tell(message: StackMessage): void {
  channel?.send(message);
}

function readFlags() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        [STACK_FLAGS.runtime]: { type: 'string' },
        [STACK_FLAGS.kubeconfig]: { type: 'string' },
        [STACK_FLAGS.kubeContext]: { type: 'string' },
        [STACK_FLAGS.kubeNamespace]: { type: 'string' },
      },
      allowPositionals: false,
    }).values;
  } catch (error) {
    // A mistyped flag is the user's to fix: exit 2 with the message, not a stack trace.
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
}

async function main(): Promise<void> {
  const values = readFlags();
  const port = Number(values.port ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`invalid port: ${values.port ?? process.env.PORT}`);
  const runtime = runtimeChoice(values, process.env);

  const launch = channel ? await channel.config(CONFIG_WAIT_MS) : null;
  // Into the parsed config only, never process.env: that would hand it to every session the agent starts.
  const env = launch ? { ...process.env, [STACK_ENV.adminPassword]: launch.adminPassword } : process.env;
  const paths = appPaths(findAppRoot(import.meta.dirname));
  const config = configFromEnv(env, paths);
  const logger = createLogger(config.logLevel);
  if (!paths.rendererDir) logger.warn('the renderer is not built (npm run build); only the API is served');

  const stack = await startLocalStack(config, logger, {
    port,
    host: values.host ?? process.env.HOST ?? '127.0.0.1',
    runtime,
    maxSessions: Number(process.env.STREAMSPACE_MAX_SESSIONS ?? 20),
  });
  const admin = stack.controlPlane.generatedAdminPassword;
  if (admin) {
    await announceAdminPassword(admin, {
      dataDir: config.dataDir,
      interactive: process.stdout.isTTY === true,
      write: (text) => process.stdout.write(text),
      logger,
    });
  }

  if (launch) answerLaunchChallenges(stack.controlPlane.server, launch.secret);

  let stopping = false;
  const stop = async (terminateSessions = false) => {
    if (stopping) return;
    stopping = true;
    await stack
      .close({ terminateSessions })
      .catch((err: unknown) => logger.error({ err }, 'shutdown failed'));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  channel?.onDisconnect(() => void stop());
  channel?.onControl((message) => {
    if (message.type === 'shutdown') void stop(message.terminateSessions);
  });
  // Announce only once a stop request would be handled cleanly.
  process.stdout.write(`StreamSpace is running at ${stack.url}\n`);
  tell({ type: 'ready', url: stack.url, runtime: stack.runtime });
}

main().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof StackError || err instanceof NoConfigError;
  const message = known ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  tell({ type: 'fatal', message: known ? message : String(err) });
  process.stderr.write(`streamspace: ${message}\n`);
  process.exit(known ? 2 : 1);
});
