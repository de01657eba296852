import { z } from 'zod';
import type { SessionState } from './session-state';

/** What a person can do with a session; the server's 409s, the tray and the dashboard all ask here. */
export const SessionAction = z.enum(['open', 'hibernate', 'wake', 'terminate']);
export type SessionAction = z.infer<typeof SessionAction>;

/**
 * State → allowed actions. Opening a starting or waking session is fine (the viewer waits until it
 * runs) and opening a hibernated one wakes it. A failed session can still be terminated, to free
 * what the agent may hold.
 */
const allowed: Record<SessionState, readonly SessionAction[]> = {
  pending: ['open', 'terminate'],
  starting: ['open', 'terminate'],
  running: ['open', 'hibernate', 'terminate'],
  hibernating: ['open', 'terminate'],
  hibernated: ['open', 'wake', 'terminate'],
  waking: ['open', 'terminate'],
  terminating: [],
  terminated: [],
  failed: ['terminate'],
};

export function allowedActions(state: SessionState): readonly SessionAction[] {
  return allowed[state];
}

export function canPerform(state: SessionState, action: SessionAction): boolean {
  return allowed[state].includes(action);
}

/** Where each requested action takes the session on the backend. */
export const ACTION_TARGET = {
  hibernate: 'hibernating',
  wake: 'waking',
  terminate: 'terminating',
} as const satisfies Partial<Record<SessionAction, SessionState>>;
