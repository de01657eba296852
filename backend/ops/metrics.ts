import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CommandAction, SessionState } from '../../protocol';

export type SessionCounts = () => Promise<Map<SessionState, number>>;

/** Prometheus metrics; a registry per backend instance so tests can run several side by side. */
export class Metrics {
  readonly registry = new Registry();
  private readonly commandDispatch: Histogram<'action'>;
  private readonly commandResults: Counter<'action' | 'outcome'>;
  readonly vncBytes: Counter<'direction'>;
  readonly vncConnections: Gauge;
  readonly agentsOnline: Gauge;

  constructor(sessionCounts: SessionCounts, agentsOnline: () => number) {
    const registry = this.registry;
    new Gauge({
      name: 'streamspace_sessions',
      help: 'Sessions by state',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [state, n] of await sessionCounts()) this.set({ state }, n);
      },
    });
    this.agentsOnline = new Gauge({
      name: 'streamspace_agents_online',
      help: 'Agents connected right now',
      registers: [registry],
      collect() {
        this.set(agentsOnline());
      },
    });
    this.commandDispatch = new Histogram({
      name: 'streamspace_command_dispatch_seconds',
      help: 'From the command being queued to it being written to the agent',
      labelNames: ['action'],
      buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    });
    this.commandResults = new Counter({
      name: 'streamspace_command_results_total',
      help: 'Commands finished, by outcome',
      labelNames: ['action', 'outcome'],
      registers: [registry],
    });
    this.vncBytes = new Counter({
      name: 'streamspace_vnc_bytes_total',
      help: 'Bytes relayed between viewers and sessions',
      labelNames: ['direction'],
      registers: [registry],
    });
    this.vncConnections = new Gauge({
      name: 'streamspace_vnc_connections',
      help: 'Open viewer connections',
      registers: [registry],
    });
  }

  dispatched(action: CommandAction, seconds: number): void {
    this.commandDispatch.observe({ action }, seconds);
  }

  completed(action: CommandAction, ok: boolean): void {
    this.commandResults.inc({ action, outcome: ok ? 'ok' : 'failed' });
  }
}
