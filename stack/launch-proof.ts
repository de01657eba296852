// Node only (node:crypto), so it lives here rather than in protocol/, which the renderer compiles too.
// Main checks the proof (stack-process.ts), the stack gives it (parent-channel.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';

/** See LAUNCH_PROOF in protocol/stack.ts: the answer to a /readyz challenge. */
export function launchProof(secret: string, challenge: string): string {
  return createHmac('sha256', secret).update(challenge).digest('base64url');
}

export function isLaunchProof(secret: string, challenge: string, proof: string | null): boolean {
  if (proof === null) return false;
  const expected = Buffer.from(launchProof(secret, challenge));
  const given = Buffer.from(proof);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
