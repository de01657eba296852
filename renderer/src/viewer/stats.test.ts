import { afterEach, describe, expect, it, vi } from 'vitest';
import { countDraws, RateMeter, startLatencyProbe } from './stats';

describe('RateMeter', () => {
  it('counts per second over its window and forgets older ticks', () => {
    const meter = new RateMeter(2_000);
    for (let t = 0; t < 2_000; t += 100) meter.tick(t);
    expect(meter.perSecond(1_999)).toBe(10);
    expect(meter.perSecond(3_000)).toBe(4.5);
    expect(meter.perSecond(10_000)).toBe(0);
  });
});

describe('countDraws', () => {
  it('counts draws onto the canvas, still draws, and undoes itself', () => {
    const drawn: unknown[][] = [];
    const ctx = {
      drawImage(...args: unknown[]) {
        drawn.push(args);
      },
    } as unknown as CanvasRenderingContext2D;
    const canvas = { getContext: () => ctx };
    const onDraw = vi.fn();
    const undo = countDraws(canvas, onDraw);
    const source = {} as CanvasImageSource;
    ctx.drawImage(source, 1, 2);
    ctx.drawImage(source, 3, 4);
    expect(onDraw).toHaveBeenCalledTimes(2);
    expect(drawn).toEqual([
      [source, 1, 2],
      [source, 3, 4],
    ]);
    undo();
    ctx.drawImage(source, 5, 6);
    expect(onDraw).toHaveBeenCalledTimes(2);
    expect(drawn).toHaveLength(3);
  });

  it('does nothing to a canvas without a 2D context', () => {
    expect(() => countDraws({ getContext: () => null }, () => undefined)()).not.toThrow();
  });
});

describe('startLatencyProbe', () => {
  afterEach(() => vi.useRealTimers());

  it('reports the round trip now and periodically, null for a failed ping, nothing once stopped', async () => {
    vi.useFakeTimers();
    let clock = 0;
    const samples: (number | null)[] = [];
    let fail = false;
    const ping = vi.fn(async () => {
      clock += 12;
      if (fail) throw new Error('down');
    });
    const stop = startLatencyProbe({
      ping,
      now: () => clock,
      onSample: (s) => samples.push(s),
      intervalMs: 1_000,
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(samples).toEqual([12]);
    fail = true;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(samples).toEqual([12, null]);
    stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ping).toHaveBeenCalledTimes(2);
  });
});
