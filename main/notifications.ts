import { IDLE_HIBERNATE_MESSAGE, type IdleWarningEvent, type SessionDto } from '../protocol';
import type { TrayState } from './tray-menu';

export interface SessionNotification {
  /** The session a click opens. */
  session: string;
  kind: 'running' | 'failed' | 'idle-hibernate' | 'idle-warning';
  title: string;
  body: string;
}

const NOTIFIED_STATES = new Set<SessionDto['state']>(['running', 'failed', 'hibernating']);

/**
 * What to tell the user about one store change. Only a session seen before in another state
 * counts: the list a (re)connect brings is what already is, not news, and neither is another
 * profile's list.
 */
export function sessionNotifications(previous: TrayState, next: TrayState): SessionNotification[] {
  if (previous.profile.id !== next.profile.id) return [];
  const before = new Map(previous.sessions.map((s) => [s.name, s]));
  const names = new Map(next.templates.map((t) => [t.name, t.displayName]));
  const out: SessionNotification[] = [];
  for (const session of next.sessions) {
    const old = before.get(session.name);
    if (!old || old.state === session.state || !NOTIFIED_STATES.has(session.state)) continue;
    const name = names.get(session.template) ?? session.template;
    if (session.state === 'running') {
      out.push({
        session: session.name,
        kind: 'running',
        title: `${name} is ready`,
        body: old.state === 'waking' ? 'It woke up. Click to open it.' : 'Click to open it.',
      });
    } else if (session.state === 'failed') {
      out.push({
        session: session.name,
        kind: 'failed',
        title: `${name} failed`,
        body: session.status.message || 'The session stopped unexpectedly.',
      });
    } else if (
      // The backend sends no warning ahead of time, so the moment it starts is the earliest to tell.
      session.status.message === IDLE_HIBERNATE_MESSAGE
    ) {
      out.push({
        session: session.name,
        kind: 'idle-hibernate',
        title: `${name} is being hibernated`,
        body: 'Nobody used it for a while. Click to open it, which wakes it again.',
      });
    }
  }
  return out;
}

/** The backend's warning, a minute ahead, that a session nobody uses is about to hibernate. */
export function idleWarningNotification(
  warning: IdleWarningEvent,
  templates: TrayState['templates'],
  now = Date.now(),
): SessionNotification {
  const name = templates.find((t) => t.name === warning.template)?.displayName ?? warning.template;
  const seconds = Math.max(0, Math.round((Date.parse(warning.hibernateAt) - now) / 1000));
  return {
    session: warning.session,
    kind: 'idle-warning',
    title: `${name} hibernates in ${seconds} s`,
    body: 'Nobody is using it. Open it, or type or move the mouse in it, to keep it running.',
  };
}
