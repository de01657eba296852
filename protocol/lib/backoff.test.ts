import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 1_000 };

  it('doubles per attempt, with half of each delay random', () => {
    expect(backoffDelay(0, options, () => 0)).toBe(50);
    expect(backoffDelay(0, options, () => 1)).toBe(100);
    expect(backoffDelay(2, options, () => 0)).toBe(200);
    expect(backoffDelay(2, options, () => 1)).toBe(400);
  });

  it('never passes the cap, however many attempts', () => {
    for (const attempt of [4, 10, 100, 10_000]) {
      expect(backoffDelay(attempt, options, () => 1)).toBe(1_000);
      expect(backoffDelay(attempt, options, () => 0)).toBe(500);
    }
  });

  it('treats a negative attempt as the first', () => {
    expect(backoffDelay(-3, options, () => 1)).toBe(100);
  });
});
