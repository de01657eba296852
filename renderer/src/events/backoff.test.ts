import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('grows exponentially', () => {
    const top = () => 1;
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, top))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('is capped', () => {
    expect(backoffDelay(50, () => 1)).toBe(30_000);
  });

  it('jitters within the upper half of the window', () => {
    expect(backoffDelay(2, () => 0)).toBe(2000);
    expect(backoffDelay(2, () => 0.5)).toBe(3000);
  });

  it('treats a negative attempt as the first', () => {
    expect(backoffDelay(-3, () => 1)).toBe(1000);
  });
});
