import { describe, expect, it } from 'vitest';
import { ACTION_TARGET, allowedActions, canPerform } from './session-actions';
import { canTransition, SessionState } from './session-state';

describe('session action policy', () => {
  it('lets a hibernated session be opened (it wakes) and a starting one too (the viewer waits)', () => {
    expect(canPerform('hibernated', 'open')).toBe(true);
    expect(canPerform('starting', 'open')).toBe(true);
    expect(canPerform('failed', 'open')).toBe(false);
  });

  it('allows nothing on a session that is ending or ended', () => {
    expect(allowedActions('terminating')).toEqual([]);
    expect(allowedActions('terminated')).toEqual([]);
  });

  it('hibernates only running sessions and wakes only hibernated ones', () => {
    for (const s of SessionState.options) {
      expect(canPerform(s, 'hibernate'), s).toBe(s === 'running');
      expect(canPerform(s, 'wake'), s).toBe(s === 'hibernated');
    }
  });

  it('never allows an action the state machine cannot carry out', () => {
    for (const s of SessionState.options) {
      for (const [action, target] of Object.entries(ACTION_TARGET)) {
        if (canPerform(s, action as keyof typeof ACTION_TARGET))
          expect(canTransition(s, target), `${s} ${action}`).toBe(true);
      }
    }
  });
});
