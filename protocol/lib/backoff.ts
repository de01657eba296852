export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/**
 * Delay before retry `attempt` (0-based): exponential, capped, with "equal jitter" (half fixed,
 * half random) so that many clients cut off by one server restart do not all come back in the same
 * instant.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
