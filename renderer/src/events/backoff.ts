export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

const defaults: BackoffOptions = { baseMs: 1_000, maxMs: 30_000 };

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential up to a cap, with jitter so a
 * restarted server is not hit by every client in the same millisecond.
 */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  options = defaults,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
