import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SIGNED_OUT_CLOSE_CODE } from '../events';
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
  drop(code?: number) {
    this.handlers.onClose(code);
  }
}

describe('connectEvents', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
  });
  afterEach(() => vi.useRealTimers());

  function start(token: string | null = 'tok', refreshed: () => string | null = () => token) {
    const statuses: EventsStatus[] = [];
    const onEvent = vi.fn();
    const onReady = vi.fn();
    const onSignedOut = vi.fn();
    const stop = connectEvents({
      url: () => 'wss://srv.test/api/v1/events',
      token: async () => token,
      refreshToken: async () => refreshed(),
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
    await vi.advanceTimersByTimeAsync(249);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.drop();
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeSocket.all).toHaveLength(3);
    FakeSocket.all[2]!.receive({ type: 'ready' });
    expect(onReady).toHaveBeenCalledOnce();
  });

  it('never waits more than 2 s between tries, however long the server is away', async () => {
    start();
    await vi.runOnlyPendingTimersAsync();
    for (let i = 0; i < 12; i++) {
      FakeSocket.all.at(-1)!.drop(1006);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(FakeSocket.all).toHaveLength(i + 2);
    }
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

  it('refreshes before it reconnects when the server ends the sign-in, and stops without one', async () => {
    let next: string | null = 'fresh';
    const { onSignedOut, onReady } = start('tok', () => next);
    await vi.runOnlyPendingTimersAsync();
    const first = FakeSocket.all[0]!;
    first.open();
    first.receive({ type: 'ready' });
    // Token expired or role changed: a refreshed token brings the socket back.
    first.drop(SIGNED_OUT_CLOSE_CODE);
    await vi.advanceTimersByTimeAsync(1000);
    const second = FakeSocket.all[1]!;
    second.open();
    expect(second.sent).toEqual(['{"type":"auth","token":"fresh"}']);
    second.receive({ type: 'ready' });
    expect(onReady).toHaveBeenCalledTimes(2);
    // Signed out: no token to refresh to, so no more sockets.
    next = null;
    second.drop(SIGNED_OUT_CLOSE_CODE);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(2);
    expect(onSignedOut).toHaveBeenCalledOnce();
  });

  it('stops when even a freshly refreshed token is refused, rather than loop', async () => {
    const { onSignedOut, statuses } = start('tok', () => 'also-refused');
    await vi.runOnlyPendingTimersAsync();
    FakeSocket.all[0]!.receive({ type: 'error', code: 'unauthorized', message: 'signed out' });
    FakeSocket.all[0]!.drop(SIGNED_OUT_CLOSE_CODE);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.drop(SIGNED_OUT_CLOSE_CODE);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(2);
    expect(onSignedOut).toHaveBeenCalledOnce();
    expect(statuses.at(-1)).toBe('offline');
  });

  it('reconnects with the same token after an ordinary drop', async () => {
    const refreshed = vi.fn(() => 'fresh');
    start('tok', refreshed);
    await vi.runOnlyPendingTimersAsync();
    FakeSocket.all[0]!.drop(1006);
    await vi.advanceTimersByTimeAsync(1000);
    FakeSocket.all[1]!.open();
    expect(FakeSocket.all[1]!.sent).toEqual(['{"type":"auth","token":"tok"}']);
    expect(refreshed).not.toHaveBeenCalled();
  });
});
