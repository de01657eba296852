import { describe, expect, it } from 'vitest';
import type { SessionDto, SessionState } from '../protocol';
import { IDLE_HIBERNATE_MESSAGE } from '../protocol';
import { sessionNotifications } from './notifications';
import { session, template } from './testing/fixtures';
import type { TrayState } from './tray-menu';

const local = { id: 'local', name: 'Local', mode: 'local' as const };

function state(sessions: SessionDto[], profile: TrayState['profile'] = local): TrayState {
  return {
    profile,
    profiles: [profile],
    connection: 'connected',
    templates: [template('firefox'), template('code', { displayName: 'VS Code' })],
    sessions,
  };
}

const moved = (s: SessionDto, to: SessionState, message = '') => ({
  ...s,
  state: to,
  status: { phase: to, message },
});

describe('sessionNotifications', () => {
  it('tells when a launched session becomes running, and a click opens it', () => {
    const starting = session('code', 'starting');
    expect(sessionNotifications(state([starting]), state([moved(starting, 'running')]))).toEqual([
      { session: starting.name, kind: 'running', title: 'VS Code is ready', body: 'Click to open it.' },
    ]);
  });

  it('tells when a session wakes up', () => {
    const waking = session('firefox', 'waking');
    expect(sessionNotifications(state([waking]), state([moved(waking, 'running')]))).toMatchObject([
      { kind: 'running', body: 'It woke up. Click to open it.' },
    ]);
  });

  it('tells when a session fails, with why', () => {
    const running = session('firefox', 'running');
    const next = state([moved(running, 'failed', 'firefox exited with code 139')]);
    expect(sessionNotifications(state([running]), next)).toEqual([
      {
        session: running.name,
        kind: 'failed',
        title: 'Firefox failed',
        body: 'firefox exited with code 139',
      },
    ]);
  });

  it('tells when a session is hibernated for idleness, not when the user hibernates it', () => {
    const running = session('firefox', 'running');
    const idle = state([moved(running, 'hibernating', IDLE_HIBERNATE_MESSAGE)]);
    expect(sessionNotifications(state([running]), idle)).toMatchObject([
      { session: running.name, kind: 'idle-hibernate', title: 'Firefox is being hibernated' },
    ]);
    const asked = state([moved(running, 'hibernating', 'hibernate requested by admin')]);
    expect(sessionNotifications(state([running]), asked)).toEqual([]);
  });

  it('says nothing about what a (re)connect or a profile switch brings, or an unchanged state', () => {
    const running = session('firefox', 'running');
    expect(sessionNotifications(state([]), state([running]))).toEqual([]);
    const work = { id: 'work', name: 'Work', mode: 'remote' as const };
    const starting = session('code', 'starting');
    expect(sessionNotifications(state([starting]), state([moved(starting, 'running')], work))).toEqual([]);
    expect(sessionNotifications(state([running]), state([{ ...running, updatedAt: 'later' }]))).toEqual([]);
  });

  it('uses the template name when the catalog does not know it', () => {
    const starting = session('gimp', 'starting');
    expect(sessionNotifications(state([starting]), state([moved(starting, 'running')]))[0]?.title).toBe(
      'gimp is ready',
    );
  });
});
