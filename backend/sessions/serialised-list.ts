import { createHash } from 'node:crypto';
import type { SessionDto } from '../../protocol';

/** A SessionList answer, encoded once and sent as is to every caller until a write changes it. */
export interface SerialisedList {
  /** UTF-8 JSON of `{ sessions }`. */
  body: Buffer;
  /** Weak entity tag over the body, in the form express would compute for it on every request. */
  etag: string;
}

export function serialiseList(sessions: readonly SessionDto[]): SerialisedList {
  const body = Buffer.from(JSON.stringify({ sessions }));
  const hash = createHash('sha1').update(body).digest('base64').slice(0, 27);
  return { body, etag: `W/"${body.length.toString(16)}-${hash}"` };
}
