/**
 * The control plane on its own (remote mode): `node out/server/backend.js`. Agents connect to it
 * from their clusters with tokens an admin creates.
 */
import { parseArgs } from 'node:util';
import { announceAdminPassword } from './admin-password';
import { ConfigError, configFromEnv } from './config';
import { createControlPlane } from './control-plane';
import { PRIVATE_UMASK } from './data-dir';
import { createLogger } from './logger';
import { appPaths, findAppRoot } from './paths';

// First, before anything can create a file: the data folder holds every secret of the install.
process.umask(PRIVATE_UMASK);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, host: { type: 'string' } },
    allowPositionals: false,
  });
  const config = configFromEnv(process.env, appPaths(findAppRoot(import.meta.dirname)));
  const logger = createLogger(config.logLevel);
  const port = Number(values.port ?? process.env.PORT ?? 8080);
  const host = values.host ?? process.env.HOST ?? '0.0.0.0';
  const cp = await createControlPlane(config, logger);
  if (cp.generatedAdminPassword) {
    await announceAdminPassword(cp.generatedAdminPassword, {
      dataDir: config.dataDir,
      interactive: process.stdout.isTTY === true,
      write: (text) => process.stdout.write(text),
      logger,
    });
  }
  const url = await cp.listen(port, host);
  logger.info({ url, database: cp.database.kind }, 'control plane listening');
  // Plain and level-independent, so scripts and benchmarks can find the URL without parsing logs.
  process.stdout.write(`control plane listening at ${url}\n`);
  const stop = async () => {
    await cp.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof ConfigError ? err.message : err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exit(err instanceof ConfigError ? 2 : 1);
});
