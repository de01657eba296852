import { connect, type Socket } from 'node:net';
import type { Runtime, RuntimeSession, RuntimeStatusListener } from '../../agent';
import type { ObservedState, SessionSpec } from '../../protocol';

/**
 * A runtime for the tunnel benchmark: every session "runs" at once and every stream is a TCP
 * connection to one fixed address (the bench's sink server), so the agent's real connection and
 * tunnel code carry the bytes while nothing heavy starts. Bench-only; never shipped.
 */
export class StaticTargetRuntime implements Runtime {
  readonly name = 'local' as const;
  private readonly sessions = new Map<string, ObservedState>();

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  async start(spec: SessionSpec): Promise<ObservedState> {
    this.sessions.set(spec.name, 'running');
    return 'running';
  }

  async stop(name: string): Promise<ObservedState> {
    this.sessions.delete(name);
    return 'terminated';
  }

  async hibernate(name: string): Promise<ObservedState> {
    this.sessions.set(name, 'hibernated');
    return 'hibernated';
  }

  async wake(name: string): Promise<ObservedState> {
    this.sessions.set(name, 'running');
    return 'running';
  }

  async status(name: string): Promise<ObservedState | null> {
    return this.sessions.get(name) ?? null;
  }

  async list(): Promise<RuntimeSession[]> {
    return [...this.sessions].map(([name, state]) => ({ name, state }));
  }

  openStream(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  onStatus(_listener: RuntimeStatusListener): () => void {
    return () => {};
  }

  async close(): Promise<void> {}
}
