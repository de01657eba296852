/**
 * `npm run serve [-- --runtime kubernetes [--kubeconfig PATH] [--context NAME] [--namespace NS]]`:
 * the local stack without Electron, with the renderer served at /. When Electron main forks it
 * with an IPC channel it reports readiness there instead of relying on stdout.
 */
import { parseArgs } from 'node:util';
import { ConfigError, configFromEnv } from '../backend/config';
import { createLogger } from '../backend/logger';
import { appPaths, findAppRoot } from '../backend/paths';
import { STACK_FLAGS, type StackMessage } from '../protocol';
import { StackError, startLocalStack } from './local-stack';
import { runtimeChoice } from './runtime-choice';

function tell(message: StackMessage): void {
  process.send?.(message);
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

  const paths = appPaths(findAppRoot(import.meta.dirname));
  const config = configFromEnv(process.env, paths);
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
    process.stdout.write(
      `Created user admin with password: ${admin}\n(shown once; set STREAMSPACE_ADMIN_PASSWORD to choose it)\n`,
    );
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack.close().catch((err: unknown) => logger.error({ err }, 'shutdown failed'));
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.on('disconnect', stop);
  // Announce only once a stop request would be handled cleanly.
  process.stdout.write(`StreamSpace is running at ${stack.url}\n`);
  tell({ type: 'ready', url: stack.url, runtime: stack.runtime });
}

main().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof StackError;
  const message = known ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  tell({ type: 'fatal', message: known ? message : String(err) });
  process.stderr.write(`streamspace: ${message}\n`);
  process.exit(known ? 2 : 1);
});
