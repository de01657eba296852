import { describe, expect, it } from 'vitest';
import { allowedActions, SessionAction, SessionState } from '../../../protocol';
import { actionLabel, actionStyle, isTransitional, rowActions, stateLabel } from './session-actions';

describe('row actions', () => {
  // The row shows allowedActions(state) in the policy's order; the policy itself is tested in protocol/.
  it.each([
    ['pending', ['open', 'terminate']],
    ['starting', ['open', 'terminate']],
    ['running', ['open', 'hibernate', 'terminate']],
    ['hibernating', ['open', 'terminate']],
    ['hibernated', ['open', 'wake', 'terminate']],
    ['waking', ['open', 'terminate']],
    ['terminating', []],
    ['terminated', []],
    ['failed', ['terminate']],
  ] as const)('%s → %j', (state, expected) => {
    expect(allowedActions(state)).toEqual(expected);
  });

  it('offers Relaunch, not Open, for a session that failed or ended', () => {
    expect(rowActions('failed')).toEqual(['relaunch', 'terminate']);
    expect(rowActions('terminated')).toEqual(['relaunch']);
    expect(rowActions('running')).toEqual(['open', 'hibernate', 'terminate']);
    expect(rowActions('terminating')).toEqual([]);
  });

  it('labels and styles every action', () => {
    for (const action of [...SessionAction.options, 'relaunch' as const]) {
      expect(actionLabel[action]).toBeTruthy();
      expect(actionStyle[action]).toMatch(/^btn/);
    }
  });
});

describe('state helpers', () => {
  it('labels every state', () => {
    for (const state of SessionState.options) expect(stateLabel[state]).toBeTruthy();
  });

  it('marks only in-between states as transitional', () => {
    expect(SessionState.options.filter(isTransitional)).toEqual([
      'pending',
      'starting',
      'hibernating',
      'waking',
      'terminating',
    ]);
  });
});
