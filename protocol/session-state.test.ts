import { describe, expect, it } from 'vitest';
import { canTransition, HAPPY_PATH, isActive, nextStates, SessionState } from './session-state';

describe('session state machine', () => {
  it('walks the happy path of the design', () => {
    for (let i = 1; i < HAPPY_PATH.length; i++) {
      expect(canTransition(HAPPY_PATH[i - 1]!, HAPPY_PATH[i]!)).toBe(true);
    }
  });

  it('lets every live state be terminated, and nothing leave terminated', () => {
    for (const s of SessionState.options) {
      if (s === 'terminated' || s === 'terminating') continue;
      expect(canTransition(s, 'terminating'), s).toBe(true);
    }
    expect(nextStates('terminated')).toEqual([]);
    expect(canTransition('terminated', 'running')).toBe(false);
  });

  it('fails only from states that are starting something or running', () => {
    for (const s of ['pending', 'starting', 'waking'] as const) expect(canTransition(s, 'failed')).toBe(true);
    expect(canTransition('terminated', 'failed')).toBe(false);
  });

  it('refuses shortcuts the backend must not take', () => {
    expect(canTransition('running', 'hibernated')).toBe(false);
    expect(canTransition('hibernated', 'running')).toBe(false);
    expect(canTransition('pending', 'hibernating')).toBe(false);
    expect(canTransition('running', 'terminated')).toBe(false);
  });

  it('counts only live sessions as active', () => {
    expect(isActive('hibernated')).toBe(true);
    expect(isActive('failed')).toBe(false);
    expect(isActive('terminated')).toBe(false);
  });
});
