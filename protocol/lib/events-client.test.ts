import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectEvents, type EventsSocketHandlers, type EventsStatus } from './events-client';

class FakeSocket {
  static all: FakeSocket[] = [];
  sent: string[] = [];
  closed = false;

  constructor(
    readonly url: string,
    private readonly handlers: EventsSocketHandlers,
  ) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
  }
  open() {
    this.handlers.onOpen();
  }
  receive(data: unknown) {
    this.handlers.onMessage(JSON.stringify(data));
  }
  receiveRaw(data: unknown) {
    this.handlers.onMessage(data);
  }
  drop() {
    this.handlers.onClose();
  }
}

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
      url: () => 'wss://srv.test/api/v1/events',
      token: async () => token,
      refreshToken: async () => token,
      onEvent,
      onReady,
      onSignedOut,
      onStatus: (s) => statuses.push(s),
      createSocket: (url, handlers) => new FakeSocket(url, handlers),
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
    ws.receiveRaw('not json');
    expect(onEvent).not.toHaveBeenCalled();
    ws.receiveRaw(
      new TextEncoder().encode(
        JSON.stringify({
          type: 'agent',
          agent: { id: 'a', name: 'a', runtime: null, status: 'online', activeSessions: 0, maxSessions: 1 },
        }),
      ),
    );
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
