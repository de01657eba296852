import { afterEach, describe, expect, it, vi } from 'vitest';
import { Poller } from './poller';

afterEach(() => {
  vi.useRealTimers();
});

describe('Poller', () => {
  it('ticks at once and then every interval until stopped', async () => {
    vi.useFakeTimers();
    const tick = vi.fn(async () => {});
    const poller = new Poller(tick, 1000);
    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(tick).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2500);
    expect(tick).toHaveBeenCalledTimes(3);
    poller.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(tick).toHaveBeenCalledTimes(3);
  });

  it('never overlaps ticks; a kick during a tick runs one more right after', async () => {
    vi.useFakeTimers();
    let concurrent = 0;
    let maxConcurrent = 0;
    const tick = vi.fn(async () => {
      concurrent += 1;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await new Promise((r) => setTimeout(r, 100));
      concurrent -= 1;
    });
    const poller = new Poller(tick, 10_000);
    poller.start();
    poller.kick();
    poller.kick();
    await vi.advanceTimersByTimeAsync(250);
    expect(tick).toHaveBeenCalledTimes(2);
    expect(maxConcurrent).toBe(1);
    poller.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(tick).toHaveBeenCalledTimes(3);
    poller.stop();
  });

  it('survives a failing tick and ignores kicks while stopped', async () => {
    vi.useFakeTimers();
    const tick = vi.fn(async () => {
      throw new Error('boom');
    });
    const poller = new Poller(tick, 100);
    poller.kick();
    expect(tick).not.toHaveBeenCalled();
    poller.start();
    await vi.advanceTimersByTimeAsync(250);
    expect(tick).toHaveBeenCalledTimes(3);
    poller.stop();
  });
});
