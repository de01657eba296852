import type { SessionAction, SessionState } from '../../../protocol';

// Which actions a state allows is the protocol's one policy (allowedActions); this is how they look.
export type { SessionAction } from '../../../protocol';

export const actionLabel: Record<SessionAction, string> = {
  open: 'Open',
  hibernate: 'Hibernate',
  wake: 'Wake',
  terminate: 'Terminate',
};

export const actionStyle: Record<SessionAction, string> = {
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
