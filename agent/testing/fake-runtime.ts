import { connect, type Socket } from 'node:net';
import type { ObservedState, SessionSpec } from '../../protocol';
import { type Runtime, RuntimeError, type RuntimeSession, type RuntimeStatusListener } from '../runtime';
import { StatusEmitter } from '../status-emitter';

/** An in-memory runtime for connection tests; streams go to a TCP port the test provides. */
export class FakeRuntime implements Runtime {
  readonly name = 'local' as const;
  readonly sessions = new Map<string, ObservedState>();
  readonly calls: string[] = [];
  /** When set, start() waits for it, so a test can hold a command in flight. */
  startGate: Promise<void> | null = null;
  streamPort = 0;
  private readonly emitter = new StatusEmitter();

  async start(spec: SessionSpec): Promise<ObservedState> {
    this.calls.push(`start:${spec.name}`);
    if (this.startGate) await this.startGate;
    const state = this.sessions.get(spec.name);
    if (state === 'running' || state === 'hibernated') return state;
    this.sessions.set(spec.name, 'running');
    this.emit(spec.name, 'running');
    return 'running';
  }

  async stop(name: string): Promise<ObservedState> {
    this.calls.push(`stop:${name}`);
    this.sessions.delete(name);
    return 'terminated';
  }

  async hibernate(name: string): Promise<ObservedState> {
    this.calls.push(`hibernate:${name}`);
    if (!this.sessions.has(name)) throw new RuntimeError('not_found', `no session ${name}`);
    this.sessions.set(name, 'hibernated');
    return 'hibernated';
  }

  async wake(name: string): Promise<ObservedState> {
    this.calls.push(`wake:${name}`);
    if (!this.sessions.has(name)) throw new RuntimeError('not_found', `no session ${name}`);
    this.sessions.set(name, 'running');
    return 'running';
  }

  async status(name: string): Promise<ObservedState | null> {
    return this.sessions.get(name) ?? null;
  }

  async list(): Promise<RuntimeSession[]> {
    return [...this.sessions].map(([name, state]) => ({ name, state }));
  }

  openStream(name: string): Promise<Socket> {
    if (this.sessions.get(name) !== 'running') {
      return Promise.reject(new RuntimeError('not_found', `no running session ${name}`));
    }
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: this.streamPort });
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  onStatus(listener: RuntimeStatusListener): () => void {
    return this.emitter.subscribe(listener);
  }

  emit(name: string, state: ObservedState, message = ''): void {
    this.emitter.emit({ name, state, message });
  }

  async close(): Promise<void> {
    this.emitter.clear();
  }
}
