import { ApiError } from '../../../protocol';

const friendly: Record<string, string> = {
  network: 'Cannot reach the server. Check your connection and try again.',
  no_agent: 'No agent is available to run this session right now.',
  rate_limited: 'Too many attempts. Wait a moment and try again.',
  unauthorized: 'Your sign-in has expired. Please sign in again.',
  invalid_response: 'The server sent an answer this app does not understand.',
};

/** A sentence for the UI; the server's own message wins when it sent one, since it knows the reason. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    // The client's stand-in message when the answer carried no ApiErrorBody.
    const generic = error.message === `The server answered ${error.status}.`;
    if (error.code === 'network' || error.code === 'invalid_response' || generic) {
      return friendly[error.code] ?? error.message;
    }
    return error.message || friendly[error.code] || 'Something went wrong.';
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}
