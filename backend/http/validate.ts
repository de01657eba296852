import type { z } from 'zod';
import { badRequest } from './errors';

/** Parses a peer's input with its protocol schema; a mismatch is the peer's fault, so a 400. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 10).map((i) => ({
      path: i.path.map(String).join('.'),
      message: i.message,
    }));
    const first = issues[0];
    throw badRequest(
      first ? `invalid ${what}: ${first.path ? `${first.path}: ` : ''}${first.message}` : `invalid ${what}`,
      issues,
    );
  }
  return result.data;
}
