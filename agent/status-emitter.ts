import type { RuntimeStatusEvent, RuntimeStatusListener } from './runtime';

/** Fan-out for runtime status events; a throwing listener must not stop the others or the runtime. */
export class StatusEmitter {
  private readonly listeners = new Set<RuntimeStatusListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  subscribe(listener: RuntimeStatusListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: RuntimeStatusEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }

  get size(): number {
    return this.listeners.size;
  }
}
