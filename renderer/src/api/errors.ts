import { ApiErrorBody, type ErrorCode } from '../../../protocol';

/** Server codes plus the two failures that never reach the server's error handler. */
export type ApiErrorCode = ErrorCode | 'network' | 'invalid_response';

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const codeByStatus: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'rate_limited',
  503: 'no_agent',
};

/**
 * Turns a failed response into an ApiError. Proxies and crashed handlers answer with HTML or
 * nothing, so a body that is not `ApiErrorBody` still yields a usable code from the status.
 */
export function apiErrorFrom(status: number, body: unknown): ApiError {
  const parsed = ApiErrorBody.safeParse(body);
  if (parsed.success) return new ApiError(status, parsed.data.error.code, parsed.data.error.message);
  const code = codeByStatus[status] ?? 'internal';
  return new ApiError(status, code, `The server answered ${status}.`);
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

const friendly: Partial<Record<ApiErrorCode, string>> = {
  network: 'Cannot reach the server. Check your connection and try again.',
  no_agent: 'No agent is available to run this session right now.',
  rate_limited: 'Too many attempts. Wait a moment and try again.',
  unauthorized: 'Your sign-in has expired. Please sign in again.',
  invalid_response: 'The server sent an answer this app does not understand.',
};

/** A sentence for the UI; the server's own message wins when it sent one, since it knows the reason. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const generic = error.message === `The server answered ${error.status}.`;
    if (error.code === 'network' || error.code === 'invalid_response' || generic) {
      return friendly[error.code] ?? error.message;
    }
    return error.message || friendly[error.code] || 'Something went wrong.';
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}
