import { describe, expect, it } from 'vitest';
import type { SessionDto, SessionState } from '../../../protocol';
import { sessionDto } from '../testing/fakes';
import {
  emptySessions,
  nextFadeAt,
  removeSession,
  replaceSessions,
  TERMINATED_LINGER_MS,
  upsertSession,
  visibleSessions,
} from './sessions-reducers';

const T0 = Date.parse('2025-01-01T12:00:00Z');
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

function session(
  name: string,
  state: SessionState,
  updatedOffset = 0,
  extra: Partial<SessionDto> = {},
): SessionDto {
  return sessionDto(name, state, { createdAt: iso(0), updatedAt: iso(updatedOffset), ...extra });
}

describe('upsertSession', () => {
  it('adds and updates a session', () => {
    let state = upsertSession(emptySessions, session('a', 'pending'), T0);
    state = upsertSession(state, session('a', 'running', 1000), T0 + 1);
    expect(state.byName.a?.session.state).toBe('running');
  });

  it('ignores a strictly older copy', () => {
    let state = upsertSession(emptySessions, session('a', 'running', 2000), T0);
    const after = upsertSession(state, session('a', 'starting', 1000), T0 + 5);
    expect(after).toBe(state);
    state = upsertSession(state, session('a', 'hibernating', 2000), T0 + 6);
    expect(state.byName.a?.session.state).toBe('hibernating');
  });

  it('does not mutate the previous state', () => {
    const before = upsertSession(emptySessions, session('a', 'pending'), T0);
    upsertSession(before, session('a', 'running', 10), T0);
    expect(before.byName.a?.session.state).toBe('pending');
  });

  it('keeps a terminated session, shown dimmed for a while', () => {
    let state = upsertSession(emptySessions, session('a', 'running'), T0);
    state = upsertSession(state, session('a', 'terminated', 10), T0 + 100);
    expect(state.byName.a?.session.state).toBe('terminated');
    expect(visibleSessions(state, 'ada', T0 + 100).map((s) => s.state)).toEqual(['terminated']);
    expect(visibleSessions(state, 'ada', T0 + 100 + TERMINATED_LINGER_MS)).toEqual([]);
    expect(state.byName.a).toBeDefined();
  });
});

describe('replaceSessions', () => {
  it('loads a list and marks the store loaded', () => {
    const state = replaceSessions(emptySessions, [session('a', 'running'), session('b', 'pending')], T0);
    expect(state.loaded).toBe(true);
    expect(Object.keys(state.byName).sort()).toEqual(['a', 'b']);
  });

  it('drops sessions the server no longer lists', () => {
    const first = replaceSessions(emptySessions, [session('a', 'running'), session('b', 'running')], T0);
    const second = replaceSessions(first, [session('a', 'running')], T0 + 10, T0 + 5);
    expect(Object.keys(second.byName)).toEqual(['a']);
  });

  it('keeps a session launched after the fetch started', () => {
    const launched = upsertSession(emptySessions, session('new', 'pending'), T0 + 10);
    const state = replaceSessions(launched, [session('old', 'running')], T0 + 20, T0 + 5);
    expect(Object.keys(state.byName).sort()).toEqual(['new', 'old']);
  });

  it('keeps a newer event over an older listed copy', () => {
    const evented = upsertSession(emptySessions, session('a', 'running', 500), T0);
    const state = replaceSessions(evented, [session('a', 'starting', 100)], T0 + 1);
    expect(state.byName.a?.session.state).toBe('running');
  });

  it('hides sessions already terminated when first listed, but shows a fresh termination', () => {
    const old = replaceSessions(emptySessions, [session('gone', 'terminated')], T0);
    expect(visibleSessions(old, 'ada', T0)).toEqual([]);
    const live = replaceSessions(emptySessions, [session('a', 'running')], T0);
    const ended = replaceSessions(live, [session('a', 'terminated', 10)], T0 + 10);
    expect(visibleSessions(ended, 'ada', T0 + 10).map((s) => s.name)).toEqual(['a']);
  });
});

describe('removeSession', () => {
  it('removes by name and leaves the state alone when absent', () => {
    const state = upsertSession(emptySessions, session('a', 'running'), T0);
    expect(removeSession(state, 'a').byName).toEqual({});
    expect(removeSession(state, 'zzz')).toBe(state);
  });
});

describe('visibleSessions', () => {
  it('lists only the user’s sessions, newest first', () => {
    let state = upsertSession(emptySessions, session('older', 'running', 0, { createdAt: iso(-60_000) }), T0);
    state = upsertSession(state, session('newer', 'running'), T0);
    state = upsertSession(state, session('bob-x', 'running', 0, { user: 'bob' }), T0);
    expect(visibleSessions(state, 'ada', T0).map((s) => s.name)).toEqual(['newer', 'older']);
  });
});

describe('nextFadeAt', () => {
  it('returns when the next dimmed session disappears', () => {
    let state = upsertSession(emptySessions, session('a', 'running'), T0);
    expect(nextFadeAt(state, T0)).toBeNull();
    state = upsertSession(state, session('a', 'terminated', 1), T0 + 1000);
    expect(nextFadeAt(state, T0 + 1000)).toBe(T0 + 1000 + TERMINATED_LINGER_MS);
    expect(nextFadeAt(state, T0 + 1000 + TERMINATED_LINGER_MS)).toBeNull();
  });
});
