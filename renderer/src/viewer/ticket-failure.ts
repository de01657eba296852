import { isApiError } from '../../../protocol';
import { describeError } from '../api/errors';

/**
 * What to do when the viewer could not get a ticket:
 * - `unreachable`: the server is away (restarting, network down); try again shortly;
 * - `recheck`: the server says the session cannot be viewed now; learn its state, then decide;
 * - `gone`: there is no such session any more;
 * - `signed-out`: the sign-in ended, and the app is already on its way to the login form;
 * - `refused`: anything else, shown as is; retrying would only repeat it.
 */
export type TicketFailure =
  | { kind: 'unreachable' }
  | { kind: 'recheck' }
  | { kind: 'gone' }
  | { kind: 'signed-out' }
  | { kind: 'refused'; message: string };

export function ticketFailure(error: unknown): TicketFailure {
  if (!isApiError(error)) return { kind: 'refused', message: describeError(error) };
  // Status 0 is no answer at all; a 5xx is a proxy or a server on its way up or down.
  if (error.status === 0 || error.status >= 500) return { kind: 'unreachable' };
  if (error.status === 409) return { kind: 'recheck' };
  if (error.status === 404) return { kind: 'gone' };
  if (error.status === 401) return { kind: 'signed-out' };
  return { kind: 'refused', message: describeError(error) };
}
