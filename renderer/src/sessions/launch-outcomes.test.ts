import { describe, expect, it } from 'vitest';
import type { SessionDto, SessionState } from '../../../protocol';
import { launchOutcomes } from './launch-outcomes';
import { emptySessions, upsertSession } from './sessions-reducers';

const dto = (name: string, state: SessionState) =>
  ({ name, state, user: 'ada', createdAt: '', updatedAt: '' }) as unknown as SessionDto;

describe('launchOutcomes', () => {
  it('reports launched sessions that became running or failed', () => {
    let state = upsertSession(emptySessions, dto('a', 'running'), 0);
    state = upsertSession(state, dto('b', 'starting'), 0);
    state = upsertSession(state, dto('c', 'failed'), 0);
    state = upsertSession(state, dto('d', 'running'), 0);
    expect(launchOutcomes(['a', 'b', 'c', 'missing'], state).map((o) => [o.session.name, o.outcome])).toEqual(
      [
        ['a', 'ready'],
        ['c', 'failed'],
      ],
    );
  });
});
