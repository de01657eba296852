import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

/** Resolves once the program is exec'd; rejects with the spawn error (ENOENT, EACCES …). */
export function spawned(child: ChildProcess): Promise<void> {
  // libuv reports a failed exec synchronously, so a pid means the program runs; the 'spawn' event
  // may have fired already by the time a caller awaits this.
  if (child.pid !== undefined) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onSpawn = () => {
      child.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      child.off('spawn', onSpawn);
      reject(error);
    };
    child.once('spawn', onSpawn);
    child.once('error', onError);
  });
}

/**
 * Reads the display number an X server writes to its -displayfd ("3\n") once it accepts clients.
 * Rejects when the pipe closes first (the server died) or the signal aborts.
 */
export function readDisplayNumber(stream: Readable, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (error: unknown, display?: number) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
      signal.removeEventListener('abort', onAbort);
      if (error === null) resolve(display!);
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const match = /^(\d{1,5})\n/.exec(text);
      if (match) finish(null, Number(match[1]));
      else if (text.length > 16 || /[^\d\n]/.test(text))
        finish(new Error(`unexpected displayfd output ${JSON.stringify(text)}`));
    };
    const onEnd = () => finish(new Error('Xvnc closed -displayfd without naming a display'));
    const onError = (error: Error) => finish(error);
    const onAbort = () => finish(signal.reason);
    if (signal.aborted) return onAbort();
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
    stream.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves when the child has exited (at once if it already has), or after timeoutMs. */
export function exited(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
