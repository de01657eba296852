/**
 * The local stack for the tunnel benchmark: the product's startLocalStack() (control plane, the
 * in-process agent, viewers piped straight to the runtime's stream) with a runtime whose every
 * stream goes to the bench's sink. Prints `stack at <url>` once it listens.
 * `BENCH_SINK_PORT=<port> STREAMSPACE_DATA_DIR=… STREAMSPACE_ADMIN_PASSWORD=… node --import tsx bench/stack-process.ts`
 */
import { fileURLToPath } from 'node:url';
import { configFromEnv } from '../backend/config';
import { createLogger } from '../backend/logger';
import { appPaths, findAppRoot } from '../backend/paths';
import { startLocalStack } from '../stack/local-stack';
import { answerPeakRequests } from './lib/relay-peak';
import { SinkRuntime } from './lib/sink-runtime';

answerPeakRequests();
const config = configFromEnv(
  process.env,
  appPaths(findAppRoot(fileURLToPath(new URL('.', import.meta.url)))),
);
const logger = createLogger(config.logLevel);
const stack = await startLocalStack(config, logger, {
  port: 0,
  host: '127.0.0.1',
  runtime: undefined,
  maxSessions: 100,
  runtimeInstance: new SinkRuntime(Number(process.env.BENCH_SINK_PORT)),
});
process.stdout.write(`stack at ${stack.url}\n`);
process.once('SIGTERM', () => {
  void stack.close().then(() => process.exit(0));
});
