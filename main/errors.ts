import { z } from 'zod';
import { ApiErrorBody, type IpcError } from '../protocol';

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

export function toIpcError(error: unknown): IpcErrorShape {
  if (error instanceof CodedError) return { code: error.code, message: error.message };
  if (error instanceof z.ZodError) return { code: 'invalid_request', message: z.prettifyError(error) };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** Turns a control-plane error answer into a CodedError, keeping the server's code and message. */
export async function errorFromResponse(response: Response, what: string): Promise<CodedError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const parsed = ApiErrorBody.safeParse(body);
  if (parsed.success)
    return new CodedError(parsed.data.error.code, parsed.data.error.message, response.status);
  const code = response.status === 401 ? 'unauthorized' : response.status === 404 ? 'not_found' : 'internal';
  return new CodedError(code, `${what} failed: HTTP ${response.status}`, response.status);
}

/** fetch rejects on network failures with messages like "fetch failed"; say what we were trying instead. */
export function unreachable(baseUrl: string, cause: unknown): CodedError {
  const detail = cause instanceof Error && cause.cause instanceof Error ? cause.cause.message : String(cause);
  return new CodedError('unreachable', `Cannot reach ${baseUrl}: ${detail}`);
}
