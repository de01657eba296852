import { takePeakHeldBytes } from '../../protocol/lib/stream-relay';
import type { Child } from './child';

let reports = 0;

/**
 * In a benchmark process: on SIGUSR2, prints the most bytes one relayed stream held since the
 * last report (the relays' own count), numbered so the asker can tell a fresh answer.
 */
export function answerPeakRequests(): void {
  process.on('SIGUSR2', () => {
    reports++;
    process.stdout.write(`relay-peak ${reports} ${takePeakHeldBytes()}\n`);
  });
}

const asked = new WeakMap<Child, number>();

/** Asks a process started with answerPeakRequests() for its peak since the last ask, in bytes. */
export async function askPeak(child: Child, timeoutMs = 5_000): Promise<number> {
  const n = (asked.get(child) ?? 0) + 1;
  asked.set(child, n);
  child.process.kill('SIGUSR2');
  const pattern = new RegExp(`relay-peak ${n} (\\d+)`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = pattern.exec(child.output());
    if (m) return Number(m[1]);
    if (Date.now() > deadline) throw new Error(`no relay-peak ${n} from ${child.pid}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
