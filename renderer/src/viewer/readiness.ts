import type { SessionState } from '../../../protocol';

export type ViewerStatus = 'connecting' | 'connected' | 'disconnected' | 'error';

export type Readiness = 'connect' | 'wait' | 'ended' | 'failed';

/**
 * Whether a session in `state` can be viewed now, after a wait (the server holds the VNC socket
 * until it runs), or never; the viewer connects at once in the first two cases.
 */
export function readiness(state: SessionState | undefined): Readiness {
  switch (state) {
    // Unknown (list not loaded, or events down): try, since the server knows better.
    case undefined:
    case 'running':
      return 'connect';
    case 'pending':
    case 'starting':
    case 'hibernating':
    case 'hibernated':
    case 'waking':
      return 'wait';
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

/** Why the VNC connection ended, as best the session's state tells. */
export function disconnectMessage(state: SessionState | undefined, clean: boolean): string {
  switch (state) {
    case 'hibernating':
    case 'hibernated':
      return 'The session was hibernated.';
    case 'terminating':
    case 'terminated':
      return 'The session has ended.';
    case 'failed':
      return 'The session failed.';
    default:
      return clean ? 'Disconnected.' : 'The connection was lost.';
  }
}
