import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Opaque bearer secrets (refresh tokens, agent tokens) are stored as SHA-256; they carry enough entropy. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    // Still spend the compare so length mismatches take as long as content mismatches.
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
