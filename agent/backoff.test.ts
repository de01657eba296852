import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

const options = { initialMs: 500, maxMs: 30_000 };

describe('backoffDelay', () => {
  it('doubles per attempt between half and the full step', () => {
    expect(backoffDelay(0, options, () => 0)).toBe(250);
    expect(backoffDelay(0, options, () => 1)).toBe(500);
    expect(backoffDelay(3, options, () => 0)).toBe(2000);
    expect(backoffDelay(3, options, () => 1)).toBe(4000);
  });

  it('is capped, even for absurd attempt counts', () => {
    expect(backoffDelay(50, options, () => 1)).toBe(30_000);
    expect(backoffDelay(10_000, options, () => 0)).toBe(15_000);
  });

  it('stays within bounds with real randomness', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const delay = backoffDelay(attempt, options);
      expect(delay).toBeGreaterThanOrEqual(250);
      expect(delay).toBeLessThanOrEqual(30_000);
    }
  });
});
