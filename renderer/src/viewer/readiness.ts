import type { SessionState } from '../../../protocol';

/**
 * What the viewer shows. `reconnecting` retries by itself; `hibernated`, `ended` and `failed` come
 * from the session's state and each offer their own next step (Wake, Relaunch); `disconnected`
 * and `error` wait for the user to press Reconnect.
 */
export type ViewerStatus =
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'hibernated'
  | 'ended'
  | 'failed'
  | 'disconnected'
  | 'error';

export type Readiness = 'connect' | 'wait' | 'asleep' | 'ended' | 'failed';

/**
 * Whether a session in `state` can be viewed now, after a wait (the server holds the VNC socket
 * until it runs), only once woken, or never.
 */
export function readiness(state: SessionState | undefined): Readiness {
  switch (state) {
    // Unknown (list not loaded, or events down): try, since the server knows better.
    case undefined:
    case 'running':
      return 'connect';
    case 'pending':
    case 'starting':
    case 'waking':
      return 'wait';
    case 'hibernating':
    case 'hibernated':
      return 'asleep';
    case 'terminating':
    case 'terminated':
      return 'ended';
    case 'failed':
      return 'failed';
  }
}

export function waitingMessage(state: SessionState | undefined): string {
  switch (state) {
    case 'pending':
    case 'starting':
      return 'Starting the session…';
    case 'hibernating':
    case 'hibernated':
    case 'waking':
      return 'Waking the session…';
    default:
      return 'Connecting…';
  }
}

export function asleepMessage(state: SessionState | undefined): string {
  return state === 'hibernating' ? 'Hibernating…' : 'Hibernated';
}

/** Why the session can never be viewed again, for a session that ended or failed. */
export function endedMessage(state: SessionState | undefined, reason: string): string {
  if (state === 'failed') return reason ? `The session failed: ${reason}` : 'The session failed.';
  return 'The session has ended.';
}
