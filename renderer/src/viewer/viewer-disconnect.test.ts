import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flush, setupViewer } from './viewer-testing';

describe("the toolbar's Disconnect", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('closes the stream and stays closed until the person reconnects', async () => {
    const { rfbs, last, lastRfb, connection, api } = setupViewer('running');
    connection.connect();
    await flush();
    lastRfb().emit('connect', {});
    connection.disconnect();
    expect(lastRfb().disconnect).toHaveBeenCalledOnce();
    expect(last()).toEqual({ status: 'disconnected', message: 'Disconnected. Reconnect to continue.' });
    // No reconnect loop: a person closed it.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(rfbs).toHaveLength(1);
    expect(api.viewerTicket).toHaveBeenCalledOnce();
    connection.connect();
    await flush();
    expect(rfbs).toHaveLength(2);
  });
});
