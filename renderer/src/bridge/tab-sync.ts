import type { AuthState } from '../../../protocol';

/**
 * Tabs opened with window.open start with a copy of sessionStorage, so several tabs share one
 * refresh token. Rotation in one tab would strand the others; these messages hand the rotated
 * token to every tab that held the old one.
 */
export type TabMessage =
  | { type: 'rotated'; previous: string; next: string; auth: AuthState }
  | { type: 'signed-out'; refreshToken: string };

export interface TabSync {
  /** Runs `task` while no other tab of this origin runs one, so two tabs never spend the same refresh token. */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  publish(message: TabMessage): void;
  subscribe(listener: (message: TabMessage) => void): void;
}

const CHANNEL = 'streamspace-auth';
const LOCK = 'streamspace-refresh';

export function browserTabSync(): TabSync | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  const channel = new BroadcastChannel(CHANNEL);
  // Web Locks exist only in secure contexts; without them a rare double refresh signs one tab out.
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return {
    exclusive: <T>(task: () => Promise<T>) => {
      if (!locks) return task();
      // The lock is held until the callback's promise settles, i.e. until the task is done.
      return new Promise<T>((resolve, reject) => {
        locks.request(LOCK, () => task().then(resolve, reject)).catch(reject);
      });
    },
    publish: (message) => channel.postMessage(message),
    subscribe: (listener) => {
      channel.addEventListener('message', (event: MessageEvent<TabMessage>) => listener(event.data));
    },
  };
}
