/**
 * A real agent process for the tunnel benchmark: the product's startAgent() (control connection,
 * tunnel_open, dial-back, pipeTunnel) with a runtime whose every stream goes to the bench's sink.
 * `BENCH_SINK=127.0.0.1:<port> STREAMSPACE_URL=… STREAMSPACE_AGENT_ID=… STREAMSPACE_AGENT_TOKEN=…
 * node --import tsx bench/agent-process.ts`
 */
import pino from 'pino';
import { AGENT_VERSION, startAgent } from '../agent';
import { StaticTargetRuntime } from './lib/static-target-runtime';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const [host, port] = required('BENCH_SINK').split(':');
const runtime = new StaticTargetRuntime(host ?? '127.0.0.1', Number(port));
const agent = startAgent({
  baseUrl: required('STREAMSPACE_URL'),
  agentId: required('STREAMSPACE_AGENT_ID'),
  token: required('STREAMSPACE_AGENT_TOKEN'),
  runtime,
  maxSessions: 100,
  logger: pino({ level: process.env.STREAMSPACE_LOG_LEVEL ?? 'warn' }),
  version: AGENT_VERSION,
});
process.once('SIGTERM', () => {
  void agent.stop().then(() => process.exit(0));
});
