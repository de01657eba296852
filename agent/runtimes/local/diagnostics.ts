import { open } from 'node:fs/promises';

/** The last few meaningful lines of a log, short enough for a status message. */
export function tailText(text: string, maxLines = 8, maxChars = 800): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '' && line.trim() !== '(EE)');
  const tail = lines.slice(-maxLines).join('\n');
  return tail.length > maxChars ? `…${tail.slice(-(maxChars - 1))}` : tail;
}

/** Reads only the end of a log, which can grow for as long as the session runs. */
export async function readLogTail(path: string, maxBytes = 4096): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>> | null = null;
  try {
    handle = await open(path, 'r');
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return tailText(buffer.toString('utf8'));
  } catch {
    return '';
  } finally {
    await handle?.close();
  }
}

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `was killed by ${signal}`;
  if (code === null) return 'is gone';
  return `exited with code ${code}`;
}

/** A reason plus the log lines that explain it. */
export function withLog(reason: string, log: string): string {
  return log ? `${reason}:\n${log}` : reason;
}
