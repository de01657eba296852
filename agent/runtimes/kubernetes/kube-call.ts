import { type ConfigurationOptions, Observable } from '@kubernetes/client-node';
import { type BackoffOptions, backoffDelay } from '../../../protocol';
import { type KubeApiError, retryAfterMs, toKubeApiError } from './kube-errors';
import type { KubeOperationName } from './operations';

export interface RetryPolicy {
  /** One request's limit; a request that takes longer is cut off and retried. */
  attemptTimeoutMs: number;
  backoff: BackoffOptions;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attemptTimeoutMs: 10_000,
  backoff: { initialMs: 100, maxMs: 2_000 },
};

export interface CallContext {
  retry: RetryPolicy;
  random?: () => number;
  /** Called before each retry, for the log. */
  onRetry?: (error: KubeApiError, attempt: number, delayMs: number) => void;
}

/** client-node's per-call options that make the request abortable; the auth middleware stays. */
function withSignal(signal: AbortSignal): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (context) => {
          context.setSignal(signal);
          return new Observable(Promise.resolve(context));
        },
        post: (response) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs one API operation: each attempt with its own timeout, 5xx, 429, timeouts and network errors
 * retried with jittered backoff for as long as the deadline (epoch ms) allows. Anything else, and
 * the last retryable failure, is thrown as a KubeApiError.
 */
export async function kubeCall<T>(
  context: CallContext,
  operation: KubeOperationName,
  namespace: string,
  deadline: number,
  run: (options: ConfigurationOptions) => Promise<T>,
): Promise<T> {
  let previous: KubeApiError | undefined;
  for (let attempt = 0; ; attempt++) {
    const left = deadline - Date.now();
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        abort.abort(new Error('request timed out'));
      },
      Math.max(1, Math.min(context.retry.attemptTimeoutMs, left)),
    );
    try {
      // Raced as well as aborted: a request that ignores its signal must not outlive its time.
      const cutOff = new Promise<never>((_, reject) =>
        abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true }),
      );
      return await Promise.race([run(withSignal(abort.signal)), cutOff]);
    } catch (thrown) {
      const error = toKubeApiError(thrown, operation, namespace, timedOut);
      // An attempt cut short by the deadline says less than the failure that made us retry.
      if (timedOut && previous && left < context.retry.attemptTimeoutMs) throw previous;
      previous = error;
      const delay = retryAfterMs(error) ?? backoffDelay(attempt, context.retry.backoff, context.random);
      if (!error.retryable || Date.now() + delay >= deadline) throw error;
      context.onRetry?.(error, attempt + 1, delay);
      await sleep(delay);
    } finally {
      clearTimeout(timer);
    }
  }
}
