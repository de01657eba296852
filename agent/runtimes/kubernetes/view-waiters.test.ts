import { describe, expect, it } from 'vitest';
import type { SessionView } from './pod-status';
import { ViewWaiters } from './view-waiters';

const starting: SessionView = { state: 'starting', message: 'Pulling image' };
const running: SessionView = { state: 'running', message: 'running' };
const isRunning = (view: SessionView) => view.state === 'running';
const far = () => ({ deadline: Date.now() + 60_000, timeoutMessage: (last: SessionView) => last.message });

describe('ViewWaiters', () => {
  it('resolves a waiter with the first offered view it accepts', async () => {
    const waiters = new ViewWaiters();
    const waiting = waiters.wait('s', starting, isRunning, far());
    waiters.offer('s', starting);
    waiters.offer('s', running);
    await expect(waiting).resolves.toEqual(running);
  });

  it('rejects at the deadline with the last view in the message', async () => {
    const waiters = new ViewWaiters();
    const waiting = waiters.wait('s', starting, isRunning, {
      deadline: Date.now() + 20,
      timeoutMessage: (last) => `not ready (${last.message})`,
    });
    await expect(waiting).rejects.toThrow('not ready (Pulling image)');
  });

  it('once closed, rejects those waiting and any wait that comes after', async () => {
    const waiters = new ViewWaiters();
    const before = waiters.wait('s', starting, isRunning, far());
    waiters.close(new Error('closed'));
    await expect(before).rejects.toThrow('closed');
    await expect(waiters.wait('s', starting, isRunning, far())).rejects.toThrow('closed');
    // A view that already satisfies the wait needs no watch.
    await expect(waiters.wait('s', running, isRunning, far())).resolves.toEqual(running);
  });
});
