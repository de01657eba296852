/**
 * A real agent process for the tunnel benchmark: the product's startAgent() (control connection,
 * tunnel_open, dial-back, pipeTunnel) with a runtime whose every stream goes to the bench's sink.
 * `BENCH_SINK_PORT=<port> STREAMSPACE_URL=… STREAMSPACE_AGENT_ID=… STREAMSPACE_AGENT_TOKEN=…
 * node --import tsx bench/agent-process.ts`
 */
import pino from 'pino';
import { AGENT_VERSION, startAgent } from '../agent';
import { answerPeakRequests } from './lib/relay-peak';
import { SinkRuntime } from './lib/sink-runtime';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

answerPeakRequests();
// Sessions "run" at once and every stream goes to the sink on loopback, so the real connection and
// tunnel code carry the bytes while nothing heavy starts.
const runtime = new SinkRuntime(Number(required('BENCH_SINK_PORT')));
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
