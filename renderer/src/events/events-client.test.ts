import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthState, DesktopBridge } from '../../../protocol';
import { connectEvents, type EventsStatus } from './events-client';

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  closed = false;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.(new Event('open'));
  }
  receive(data: unknown) {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(data) }));
  }
  drop() {
    this.onclose?.(new Event('close') as CloseEvent);
  }
}

const bridge = (token: string | null): DesktopBridge => ({
  kind: 'web',
  getServer: async () => ({ baseUrl: 'https://srv.test', mode: 'headless' }),
  getAuth: async () => null,
  login: async () => ({}) as AuthState,
  logout: async () => undefined,
  getAccessToken: async () => token,
  refreshAccessToken: async () => token,
  openSession: async () => undefined,
});

describe('connectEvents', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
  });
  afterEach(() => vi.useRealTimers());

  function start(token: string | null = 'tok') {
    const statuses: EventsStatus[] = [];
    const onEvent = vi.fn();
    const onReady = vi.fn();
    const onSignedOut = vi.fn();
    const stop = connectEvents({
      bridge: bridge(token),
      onEvent,
      onReady,
      onSignedOut,
      onStatus: (s) => statuses.push(s),
      createSocket: (url) => new FakeSocket(url),
      random: () => 1,
    });
    return { statuses, onEvent, onReady, onSignedOut, stop };
  }

  it('authenticates with the first frame, not the URL', async () => {
    start();
    await vi.runOnlyPendingTimersAsync();
    const ws = FakeSocket.all[0]!;
    expect(ws.url).toBe('wss://srv.test/api/v1/events');
    ws.open();
    expect(ws.sent).toEqual(['{"type":"auth","token":"tok"}']);
  });

  it('goes live on ready, refetches, and forwards valid events only', async () => {
    const { statuses, onEvent, onReady } = start();
    await vi.runOnlyPendingTimersAsync();
    const ws = FakeSocket.all[0]!;
    ws.open();
    ws.receive({ type: 'ready' });
    expect(statuses.at(-1)).toBe('live');
    expect(onReady).toHaveBeenCalledOnce();
    ws.receive({ type: 'session', session: { name: 'broken' } });
    ws.onmessage?.(new MessageEvent('message', { data: 'not json' }));
    expect(onEvent).not.toHaveBeenCalled();
    ws.receive({
      type: 'agent',
      agent: { id: 'a', name: 'a', runtime: null, status: 'online', activeSessions: 0, maxSessions: 1 },
    });
    expect(onEvent).toHaveBeenCalledOnce();
  });

  it('reconnects with backoff after a drop', async () => {
    const { statuses, onReady } = start();
    await vi.runOnlyPendingTimersAsync();
    FakeSocket.all[0]!.drop();
    expect(statuses.at(-1)).toBe('offline');
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.drop();
    await vi.advanceTimersByTimeAsync(2000);
    expect(FakeSocket.all).toHaveLength(3);
    FakeSocket.all[2]!.receive({ type: 'ready' });
    expect(onReady).toHaveBeenCalledOnce();
  });

  it('stops for good', async () => {
    const { stop } = start();
    await vi.runOnlyPendingTimersAsync();
    stop();
    expect(FakeSocket.all[0]!.closed).toBe(true);
    FakeSocket.all[0]!.drop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('does not connect when signed out', async () => {
    const { statuses, onSignedOut } = start(null);
    await vi.runOnlyPendingTimersAsync();
    expect(FakeSocket.all).toHaveLength(0);
    expect(statuses.at(-1)).toBe('offline');
    expect(onSignedOut).toHaveBeenCalledOnce();
  });
});
