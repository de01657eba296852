export type StackErrorReason =
  /** A flag or variable of the stack has a value it cannot use. */
  | 'invalid_option'
  /** The chosen runtime cannot run on this machine. */
  | 'runtime_unavailable'
  /** The kubeconfig cannot be used as asked; the message says what to change. */
  | 'kube_config';

/** A stack that cannot start as configured; serve prints the message and exits 2. */
export class StackError extends Error {
  override readonly name = 'StackError';

  constructor(
    message: string,
    readonly reason: StackErrorReason = 'runtime_unavailable',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
