import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

/** A debug-level logger whose lines land in `lines`, for tests that check what may not be logged. */
export function capturedLogger(lines: string[]): Logger {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return pino({ level: 'debug' }, sink);
}
