import { isDeepStrictEqual } from 'node:util';

export type Listener<T> = (state: T, previous: T) => void;

export interface Store<T extends object> {
  get(): T;
  /** Merges a patch (or the patch an updater returns); listeners run only if something really changed. */
  set(patch: Partial<T> | ((state: T) => Partial<T>)): void;
  subscribe(listener: Listener<T>): () => void;
}

export function createStore<T extends object>(initial: T): Store<T> {
  let state = initial;
  const listeners = new Set<Listener<T>>();
  return {
    get: () => state,
    set(patch) {
      const changes = typeof patch === 'function' ? patch(state) : patch;
      const keys = Object.keys(changes) as Array<keyof T>;
      // A resync after every reconnect hands over fresh but equal arrays; rebuilding a native menu for
      // that would flicker an open tray menu shut on some platforms.
      if (keys.every((key) => isDeepStrictEqual(state[key], changes[key]))) return;
      const previous = state;
      state = { ...state, ...changes };
      // A listener that unsubscribes another while we iterate must not skip or repeat anyone.
      for (const listener of [...listeners]) listener(state, previous);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
