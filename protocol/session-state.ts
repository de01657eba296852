import { z } from 'zod';

export const SessionState = z.enum([
  'pending',
  'starting',
  'running',
  'hibernating',
  'hibernated',
  'waking',
  'terminating',
  'terminated',
  'failed',
]);
export type SessionState = z.infer<typeof SessionState>;

/** The design's happy path, one step at a time: start, hibernate and wake, terminate. */
export const HAPPY_PATH: readonly SessionState[] = [
  ...(['pending', 'starting', 'running'] as const),
  ...(['hibernating', 'hibernated', 'waking', 'running'] as const),
  ...(['terminating', 'terminated'] as const),
];

/**
 * The lifecycle from the design: pending → starting → running ⇄ (hibernating → hibernated → waking),
 * any → terminating → terminated, pending|starting|waking → failed.
 * A running session whose app dies, or a hibernate that cannot complete, may also fail: the agent
 * reports facts and a dead session must not pretend to run.
 */
const transitions: Record<SessionState, readonly SessionState[]> = {
  pending: ['starting', 'running', 'failed', 'terminating'],
  starting: ['running', 'failed', 'terminating'],
  running: ['hibernating', 'failed', 'terminating'],
  hibernating: ['hibernated', 'running', 'failed', 'terminating'],
  hibernated: ['waking', 'failed', 'terminating'],
  waking: ['running', 'failed', 'terminating'],
  // A stop the agent could not carry out must not leave the session stuck: it fails, and can be retried.
  terminating: ['terminated', 'failed'],
  terminated: [],
  failed: ['terminating', 'terminated'],
};

export function canTransition(from: SessionState, to: SessionState): boolean {
  return from === to || transitions[from].includes(to);
}

export function nextStates(from: SessionState): readonly SessionState[] {
  return transitions[from];
}

export function isFinal(state: SessionState): boolean {
  return state === 'terminated';
}

/** States in which a session holds resources on an agent and counts towards quotas. */
export function isActive(state: SessionState): boolean {
  return state !== 'terminated' && state !== 'failed';
}
