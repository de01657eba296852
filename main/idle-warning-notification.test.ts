import { describe, expect, it } from 'vitest';
import { idleWarningNotification } from './notifications';
import { template } from './testing/fixtures';

describe('idle warning notification', () => {
  const warning = {
    type: 'idle_warning' as const,
    session: 'admin-firefox-0123abcd',
    template: 'firefox',
    hibernateAt: '2026-01-01T12:01:00.000Z',
  };

  it('names the app and says how long is left, and a click opens the session', () => {
    const now = Date.parse('2026-01-01T12:00:00.400Z');
    expect(idleWarningNotification(warning, [template('firefox')], now)).toEqual({
      session: 'admin-firefox-0123abcd',
      kind: 'idle-warning',
      title: 'Firefox hibernates in 60 s',
      body: 'Nobody is using it. Open it, or type or move the mouse in it, to keep it running.',
    });
  });

  it('falls back to the template id, and never counts below zero', () => {
    const late = idleWarningNotification(warning, [], Date.parse('2026-01-01T12:05:00Z'));
    expect(late.title).toBe('firefox hibernates in 0 s');
  });
});
