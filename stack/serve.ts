/**
 * `npm run serve`: the local stack without Electron, with the renderer served at /. When Electron
 * main forks it with an IPC channel it reports readiness there instead of relying on stdout.
 */
import { parseArgs } from 'node:util';
import { ConfigError, configFromEnv } from '../backend/config';
import { createLogger } from '../backend/logger';
import { appPaths, findAppRoot } from '../backend/paths';
import { RuntimeName, type StackMessage } from '../protocol';
import { StackError, startLocalStack } from './local-stack';

function tell(message: StackMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      runtime: { type: 'string' },
    },
    allowPositionals: false,
  });
  const port = Number(values.port ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`invalid port: ${values.port ?? process.env.PORT}`);
  const runtimeArg = values.runtime ?? process.env.STREAMSPACE_RUNTIME;
  const runtime = runtimeArg === undefined ? undefined : RuntimeName.safeParse(runtimeArg);
  if (runtime && !runtime.success)
    throw new ConfigError(`unknown runtime ${runtimeArg}; expected local or kubernetes`);

  const paths = appPaths(findAppRoot(import.meta.dirname));
  const config = configFromEnv(process.env, paths);
  const logger = createLogger(config.logLevel);
  if (!paths.rendererDir) logger.warn('the renderer is not built (npm run build); only the API is served');

  const stack = await startLocalStack(config, logger, {
    port,
    host: values.host ?? process.env.HOST ?? '127.0.0.1',
    runtime: runtime?.data,
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
