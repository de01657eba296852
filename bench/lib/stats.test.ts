import { describe, expect, it } from 'vitest';
import { mean, median, percentile, table } from './stats';

describe('bench stats', () => {
  it('takes nearest-rank percentiles', () => {
    const v = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(median(v)).toBe(5);
    expect(percentile(v, 90)).toBe(9);
    expect(percentile(v, 99)).toBe(10);
    expect(percentile(v, 0)).toBe(1);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
    expect(mean([1, 2, 3])).toBe(2);
  });

  it('aligns a table', () => {
    const t = table([
      { path: 'direct', mbps: 1234.567 },
      { path: 'websockify', mbps: 2 },
    ]).split('\n');
    expect(t[0]).toBe('path        mbps   ');
    expect(t[2]).toBe('direct      1234.57');
  });
});
