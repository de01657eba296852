import { describe, expect, it } from 'vitest';
import { parseMachineTicks, parseRssKb, parseStatTicks } from './proc';

describe('proc parsing', () => {
  it('adds utime and stime even when the name holds spaces and parentheses', () => {
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194304 1000 0 0 0 731 269 0 0 20 0 11 0 123 456 789';
    expect(parseStatTicks(stat)).toBe(1000);
  });

  it('reads VmRSS in kB', () => {
    expect(parseRssKb('Name:\tnode\nVmPeak:\t  9 kB\nVmRSS:\t   81234 kB\nThreads: 11\n')).toBe(81234);
    expect(() => parseRssKb('Name:\tnode\n')).toThrow();
  });

  it('counts all but idle and iowait as busy machine time', () => {
    const stat = 'cpu  100 5 50 800 20 3 2 0 0 0\ncpu0 50 2 25 400 10 1 1 0 0 0\n';
    expect(parseMachineTicks(stat)).toEqual({ busy: 160, total: 980 });
    expect(() => parseMachineTicks('intr 1 2 3\n')).toThrow();
  });
});
