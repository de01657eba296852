import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, SIGNED_OUT_CLOSE_CODE } from '../../../protocol';
import { sessionDto } from '../testing/fakes';
import { flush, NAME, setupViewer as setup, TICKET } from './viewer-testing';

const unreachable = () => new ApiError(0, 'network', 'Cannot reach http://127.0.0.1:9000');

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

async function connected(initial: Parameters<typeof setup>[0] = 'running') {
  const harness = setup(initial);
  harness.connection.connect();
  await flush();
  harness.lastRfb().emit('connect', {});
  expect(harness.last()?.status).toBe('connected');
  return harness;
}

describe('hibernation in the viewer', () => {
  it('stops the stream the moment the session hibernates, and sends nothing while it sleeps', async () => {
    const { api, rfbs, last, lastRfb, setState } = await connected();
    setState('hibernating');
    // Disconnected at once: SIGSTOP would keep the socket open and queue every key for the wake.
    expect(lastRfb().disconnect).toHaveBeenCalled();
    expect(last()).toEqual({ status: 'hibernated', message: 'Hibernating…' });
    setState('hibernated');
    expect(last()).toEqual({ status: 'hibernated', message: 'Hibernated' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(rfbs).toHaveLength(1);
    expect(api.viewerTicket).toHaveBeenCalledOnce();
  });

  it('wakes the session when asked (the Wake button), with a new ticket, and shows it again', async () => {
    const { api, rfbs, last, lastRfb, connection, setState } = await connected();
    setState('hibernating');
    setState('hibernated');
    connection.connect();
    await flush();
    expect(api.viewerTicket).toHaveBeenCalledTimes(2);
    expect(rfbs).toHaveLength(2);
    expect(last()).toEqual({ status: 'connecting', message: 'Waking the session…' });
    // The server wakes what a viewer connects to; the states on the way must not stop that viewer.
    setState('waking');
    setState('running');
    expect(lastRfb().disconnect).not.toHaveBeenCalled();
    lastRfb().emit('connect', {});
    expect(last()?.status).toBe('connected');
  });

  it('comes back by itself when the session is woken elsewhere', async () => {
    const { api, rfbs, last, setState } = await connected();
    setState('hibernating');
    setState('hibernated');
    setState('waking');
    await flush();
    expect(api.viewerTicket).toHaveBeenCalledTimes(2);
    expect(rfbs).toHaveLength(2);
    expect(last()?.message).toBe('Waking the session…');
  });

  it('keeps the attempt that wakes a session opened before its state was known', async () => {
    const { api, rfbs, last, store, connection } = setup(null);
    api.getSession.mockReturnValue(new Promise(() => undefined));
    connection.connect();
    await flush();
    store.session = sessionDto(NAME, 'hibernated');
    connection.sessionChanged();
    expect(rfbs[0]?.disconnect).not.toHaveBeenCalled();
    expect(last()).toEqual({ status: 'connecting', message: 'Waking the session…' });
  });
});

describe('reconnecting by itself', () => {
  it('retries with a fresh ticket and a backoff capped at 2 s while the server is away', async () => {
    const { api, rfbs, last, lastRfb } = await connected();
    api.viewerTicket.mockRejectedValue(unreachable());
    lastRfb().emit('disconnect', { clean: false });
    expect(last()).toEqual({ status: 'reconnecting', message: 'Reconnecting…' });
    // 250 ms, doubling, then every 2 s however long the outage lasts.
    for (const [wait, calls] of [
      [250, 2],
      [500, 3],
      [1000, 4],
      [2000, 5],
      [2000, 6],
      [2000, 7],
    ] as const) {
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(api.viewerTicket).toHaveBeenCalledTimes(calls - 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(api.viewerTicket).toHaveBeenCalledTimes(calls);
    }
    expect(last()).toEqual({
      status: 'reconnecting',
      message: 'Reconnecting… (the server cannot be reached)',
    });
    // The server is back: the next try connects, with a ticket of its own.
    api.viewerTicket.mockResolvedValue({ ...TICKET, ticket: 'T2cket-0123456789abcdef' });
    await vi.advanceTimersByTimeAsync(2000);
    expect(rfbs).toHaveLength(2);
    expect(String(lastRfb().url)).toContain('ticket=T2cket-');
    expect(last()).toEqual({ status: 'reconnecting', message: 'Reconnecting…' });
    lastRfb().emit('connect', {});
    expect(last()?.status).toBe('connected');
    // A later drop starts again from the short wait.
    lastRfb().emit('disconnect', { clean: true });
    await vi.advanceTimersByTimeAsync(250);
    expect(rfbs).toHaveLength(3);
  });

  it('tries at once when the sessions store hears from the server again', async () => {
    const { api, last, lastRfb, connection } = await connected();
    api.viewerTicket.mockRejectedValue(unreachable());
    lastRfb().emit('disconnect', { clean: false });
    await vi.advanceTimersByTimeAsync(250 + 500 + 1000);
    expect(api.viewerTicket).toHaveBeenCalledTimes(4);
    // The events socket is back and relisted the sessions: no need to sit out the 2 s wait.
    api.viewerTicket.mockResolvedValue(TICKET);
    connection.sessionChanged();
    await flush();
    expect(api.viewerTicket).toHaveBeenCalledTimes(5);
    expect(last()?.status).toBe('reconnecting');
  });

  it('retries when the server cannot connect the stream yet, showing its reason', async () => {
    const channel = new EventTarget();
    const { rfbs, last, connection } = setup('running', () => channel as WebSocket);
    connection.connect();
    await flush();
    channel.dispatchEvent(Object.assign(new Event('close'), { code: 4503, reason: 'session has no agent' }));
    rfbs[0]?.emit('disconnect', { clean: false });
    expect(last()).toEqual({ status: 'reconnecting', message: 'Reconnecting… (session has no agent)' });
    await vi.advanceTimersByTimeAsync(250);
    expect(rfbs).toHaveLength(2);
    connection.dispose();
  });

  it('stops with a clear message when the session ended meanwhile', async () => {
    const { api, last, lastRfb, rfbs } = await connected();
    api.viewerTicket.mockRejectedValue(
      new ApiError(409, 'conflict', 'cannot view a session that is terminated'),
    );
    api.getSession.mockResolvedValue(sessionDto(NAME, 'terminated'));
    lastRfb().emit('disconnect', { clean: true });
    await vi.advanceTimersByTimeAsync(250);
    expect(api.getSession).toHaveBeenCalled();
    expect(last()).toEqual({ status: 'ended', message: 'The session has ended.' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(api.viewerTicket).toHaveBeenCalledTimes(2);
    expect(rfbs).toHaveLength(1);
  });

  it('stops when the session ends or fails while it retries', async () => {
    const { api, last, lastRfb, setState } = await connected();
    api.viewerTicket.mockRejectedValue(unreachable());
    lastRfb().emit('disconnect', { clean: false });
    await vi.advanceTimersByTimeAsync(250);
    setState('failed', 'the app exited with code 1');
    expect(last()).toEqual({ status: 'failed', message: 'The session failed: the app exited with code 1' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(api.viewerTicket).toHaveBeenCalledTimes(2);
  });

  it('does not retry a stream closed because the sign-in ended', async () => {
    const channel = new EventTarget();
    const { api, rfbs, last, connection } = setup('running', () => channel as WebSocket);
    connection.connect();
    await flush();
    rfbs[0]?.emit('connect', {});
    channel.dispatchEvent(
      Object.assign(new Event('close'), { code: SIGNED_OUT_CLOSE_CODE, reason: 'signed out' }),
    );
    rfbs[0]?.emit('disconnect', { clean: true });
    expect(last()).toEqual({ status: 'disconnected', message: 'Disconnected: signed out.' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(api.viewerTicket).toHaveBeenCalledOnce();
  });

  it('retries a first open that finds the server away', async () => {
    const { api, rfbs, last, connection } = setup('running');
    api.viewerTicket.mockRejectedValueOnce(unreachable());
    connection.connect();
    await flush();
    expect(last()?.status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(250);
    expect(rfbs).toHaveLength(1);
  });
});
