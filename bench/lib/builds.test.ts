import { describe, expect, it } from 'vitest';
import { buildsToCompare, inRoundOrder, ratio } from './builds';

describe('builds side by side', () => {
  it('runs a baseline only when one is named', () => {
    expect(buildsToCompare({}).map((b) => b.label)).toEqual(['this build']);
    expect(buildsToCompare({ BENCH_BASELINE_ENTRY: '/x/backend.js' })).toEqual([
      expect.objectContaining({ label: 'this build' }),
      { label: 'baseline', entry: '/x/backend.js' },
    ]);
  });

  it('alternates the order round by round', () => {
    expect([0, 1, 2].map((r) => inRoundOrder(['a', 'b'], r).join(''))).toEqual(['ab', 'ba', 'ab']);
  });

  it('states a ratio only against a baseline', () => {
    expect(ratio(1, 4)).toBe('0.25×');
    expect(ratio(1, undefined)).toBe('');
    expect(ratio(1, 0)).toBe('');
  });
});
