import { allowedActions, type SessionAction, type SessionState } from '../../../protocol';

// Which actions a state allows is the protocol's one policy (allowedActions); this is how they look.
export type { SessionAction } from '../../../protocol';

/**
 * What a row offers: the protocol's actions, plus Relaunch (a new session of the same template)
 * for a session that can never run again, since Open would show nothing.
 */
export type RowAction = SessionAction | 'relaunch';

export function rowActions(state: SessionState): readonly RowAction[] {
  const actions = allowedActions(state);
  return state === 'failed' || state === 'terminated' ? ['relaunch', ...actions] : actions;
}

export const actionLabel: Record<RowAction, string> = {
  relaunch: 'Relaunch',
  open: 'Open',
  hibernate: 'Hibernate',
  wake: 'Wake',
  terminate: 'Terminate',
};

export const actionStyle: Record<RowAction, string> = {
  relaunch: 'btn btn-primary',
  open: 'btn btn-primary',
  hibernate: 'btn',
  wake: 'btn',
  terminate: 'btn btn-danger-ghost',
};

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
