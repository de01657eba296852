import type { Logger } from 'pino';
import { z } from 'zod';
import { AgentConnection, type AgentConnectionOptions, type ConnectionState } from './connection';
import type { Runtime } from './runtime';

export interface StartAgentOptions {
  /** http(s) base URL of the backend. */
  baseUrl: string;
  token: string;
  agentId: string;
  /** Owned by the caller: stop() leaves it open, and its sessions keep running. */
  runtime: Runtime;
  maxSessions: number;
  logger: Logger;
  version: string;
  reconnect?: AgentConnectionOptions['reconnect'];
}

export interface RunningAgent {
  /** Closes the control socket and every tunnel; no reconnect afterwards. */
  stop(): Promise<void>;
  readonly state: ConnectionState;
}

const Checked = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  token: z.string().min(1),
  agentId: z.string().min(1).max(100),
  maxSessions: z.number().int().min(0).max(100_000),
  version: z.string().min(1).max(50),
});

/** Connects an agent to a backend, in this process; the local stack and the CLI both use it. */
export function startAgent(options: StartAgentOptions): RunningAgent {
  const checked = Checked.safeParse(options);
  if (!checked.success) {
    // Paths only: the token must not end up in an exception message.
    const fields = [...new Set(checked.error.issues.map((issue) => issue.path.join('.')))];
    throw new Error(`invalid agent options: ${fields.join(', ')}`);
  }
  const connection = new AgentConnection({ ...options });
  connection.start();
  return {
    stop: () => connection.stop(),
    get state() {
      return connection.state;
    },
  };
}
