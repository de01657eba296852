import { z } from 'zod';
import { ApiError, type IpcError } from '../protocol';

export type IpcErrorShape = z.infer<typeof IpcError>;

/** An error with a machine-readable code that survives the trip to the renderer. */
export class CodedError extends Error {
  override readonly name = 'CodedError';
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * The typed client's failure in main's terms: no answer at all is `unreachable` (its message says
 * which server), an answer that breaks the contract is `internal`; the rest keep the server's code,
 * message and status.
 */
export function fromApiError(error: ApiError, what?: string): CodedError {
  if (error.status === 0 || error.code === 'network') return new CodedError('unreachable', error.message);
  if (error.code === 'invalid_response') {
    const message = what ? `${what}: unexpected answer from the server` : error.message;
    return new CodedError('internal', message, error.status);
  }
  return new CodedError(error.code, error.message, error.status);
}

/** Runs a typed-client call and rethrows its ApiError as a CodedError. */
export async function coded<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof ApiError ? fromApiError(error, what) : error;
  }
}

export function toIpcError(error: unknown): IpcErrorShape {
  if (error instanceof ApiError) return toIpcError(fromApiError(error));
  if (error instanceof CodedError) return { code: error.code, message: error.message };
  if (error instanceof z.ZodError) return { code: 'invalid_request', message: z.prettifyError(error) };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
