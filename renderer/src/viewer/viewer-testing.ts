import type { RfbEventMap, RfbOptions } from '@novnc/novnc';
import { vi } from 'vitest';
import type { SessionDto, SessionState } from '../../../protocol';
import { fakeApi, sessionDto } from '../testing/fakes';
import { createViewerConnection, type RfbLike, type ViewerView } from './viewer-connection';

// Test doubles for the viewer connection's unit tests.

export const NAME = 'ada-firefox-0123abcd';
export const TICKET = {
  ticket: 'T1cket-0123456789abcdef',
  expiresAt: '2025-01-01T12:00:30Z',
  vncPassword: 'pw',
};

export class FakeRfb implements RfbLike {
  scaleViewport = false;
  resizeSession = false;
  focusOnClick = false;
  readonly listeners = new Map<string, ((event: unknown) => void)[]>();
  focus = vi.fn();
  disconnect = vi.fn(() => this.emit('disconnect', { clean: true }));

  constructor(
    readonly url: string | WebSocket,
    readonly options: RfbOptions,
  ) {}

  addEventListener<K extends keyof RfbEventMap>(type: K, listener: (event: RfbEventMap[K]) => void): void {
    const list = this.listeners.get(type) ?? [];
    list.push(listener as (event: unknown) => void);
    this.listeners.set(type, list);
  }

  emit<K extends keyof RfbEventMap>(type: K, detail: RfbEventMap[K]['detail']): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ detail });
  }
}

/** Lets the connection's promise chains run, with or without fake timers. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

export function setupViewer(initial: SessionState | null, openSocket?: (url: string) => WebSocket) {
  const api = fakeApi();
  api.viewerTicket.mockResolvedValue(TICKET);
  const store: { session: SessionDto | undefined } = {
    session: initial ? sessionDto(NAME, initial) : undefined,
  };
  const rfbs: FakeRfb[] = [];
  const views: ViewerView[] = [];
  // As in the app, where a fetched copy goes into the live sessions store.
  const onSession = vi.fn((session: SessionDto) => {
    store.session = session;
  });
  const connection = createViewerConnection({
    name: NAME,
    api,
    baseUrl: async () => 'http://127.0.0.1:9000',
    loadRfb: async () => (_target, url, options) => {
      const rfb = new FakeRfb(url, options);
      rfbs.push(rfb);
      return rfb;
    },
    target: () => ({}) as HTMLElement,
    session: () => store.session,
    onSession,
    onView: (view) => views.push(view),
    // The longest wait at every step, so the cap is what is tested.
    random: () => 1,
    ...(openSocket ? { openSocket } : {}),
  });
  const setState = (state: SessionState, message = '') => {
    store.session = sessionDto(NAME, state, { status: { phase: state, message } });
    connection.sessionChanged();
  };
  const last = () => views.at(-1);
  const lastRfb = () => rfbs.at(-1) as FakeRfb;
  return { api, store, rfbs, views, last, lastRfb, connection, setState, onSession };
}
