import type { SessionState } from '../../../protocol';

export type SessionAction = 'open' | 'hibernate' | 'wake' | 'terminate';

/** Actions the backend accepts in `state`, in the order the row shows them. */
export function availableActions(state: SessionState): SessionAction[] {
  const actions: SessionAction[] = [];
  // Opening a hibernated session is allowed: asking for a viewer ticket wakes it.
  if (state === 'running' || state === 'hibernated') actions.push('open');
  if (state === 'running') actions.push('hibernate');
  if (state === 'hibernated') actions.push('wake');
  if (state !== 'terminated' && state !== 'terminating') actions.push('terminate');
  return actions;
}

/** States in which the session is on its way somewhere, shown with a progress cue. */
export function isTransitional(state: SessionState): boolean {
  return (
    state === 'pending' ||
    state === 'starting' ||
    state === 'hibernating' ||
    state === 'waking' ||
    state === 'terminating'
  );
}

export const stateLabel: Record<SessionState, string> = {
  pending: 'Pending',
  starting: 'Starting',
  running: 'Running',
  hibernating: 'Hibernating',
  hibernated: 'Hibernated',
  waking: 'Waking',
  terminating: 'Terminating',
  terminated: 'Terminated',
  failed: 'Failed',
};
