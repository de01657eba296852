import { describe, expect, it } from 'vitest';
import { SessionState } from '../../../protocol';
import { availableActions, isTransitional, stateLabel } from './session-actions';

describe('availableActions', () => {
  it.each([
    ['pending', ['terminate']],
    ['starting', ['terminate']],
    ['running', ['open', 'hibernate', 'terminate']],
    ['hibernating', ['terminate']],
    ['hibernated', ['open', 'wake', 'terminate']],
    ['waking', ['terminate']],
    ['terminating', []],
    ['terminated', []],
    ['failed', ['terminate']],
  ] as const)('%s → %j', (state, expected) => {
    expect(availableActions(state)).toEqual(expected);
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
