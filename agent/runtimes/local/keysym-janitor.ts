import { execFile } from 'node:child_process';
import { type FSWatcher, watch } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Logger } from 'pino';

// The viewer sends every character as its keysym, and Xvnc binds one it does not find in the
// layout (東, é on a us layout, an emoji) to a spare keycode. It never gives those back, and there
// are about twenty, so after twenty such characters every new one was dropped ("Failure adding new
// keysym", TigerVNC issue #93). This frees the older ones, as x11vnc does with its own: Xvnc says
// in its log which keycode it used, and a keycode whose symbols are cleared is spare again.

/**
 * Freed once this many are bound: well before the spares run out, so that what is typed while
 * xmodmap runs (tens of milliseconds) still finds one.
 */
export const RELEASE_AT = 8;
/** The newest ones stay bound: a key held down (auto-repeat) must keep its keycode until release. */
export const KEEP_NEWEST = 2;

export interface KeysymLogNews {
  /** Keycodes Xvnc bound, in the order it did. */
  bound: number[];
  /** Whether a keysym was refused because no keycode was left. */
  refused: boolean;
}

/** What new lines of Xvnc's log say about keycodes it bound. */
export function readKeysymLog(text: string): KeysymLogNews {
  const bound = [...text.matchAll(/Added unknown keysym 0x[0-9a-f]+ to keycode (\d+)/gi)].map((m) =>
    Number(m[1]),
  );
  return { bound, refused: /Failure adding new keysym/i.test(text) };
}

/**
 * The keycodes bound, oldest first, after `news`; and those to free now, when enough are bound or
 * one was refused. A keycode bound again moves to the newest end.
 */
export function planRelease(
  live: readonly number[],
  news: KeysymLogNews,
): { live: number[]; free: number[] } {
  const next = [...live];
  for (const code of news.bound) {
    const at = next.indexOf(code);
    if (at >= 0) next.splice(at, 1);
    next.push(code);
  }
  if (next.length < RELEASE_AT && !(news.refused && next.length > KEEP_NEWEST))
    return { live: next, free: [] };
  const free = next.slice(0, Math.max(0, next.length - KEEP_NEWEST));
  return { live: next.slice(free.length), free };
}

/** xmodmap's expressions that clear the keycodes' symbols. */
export function clearExpressions(codes: readonly number[]): string[] {
  return codes.flatMap((code) => ['-e', `keycode ${code} =`]);
}

export interface KeysymJanitorOptions {
  xvncLog: string;
  display: number;
  xauthority: string;
  env: Readonly<Record<string, string>>;
  log: Logger;
}

/** Follows the session's Xvnc log and frees the keycodes it bound; stops when the log goes. */
export function startKeysymJanitor(options: KeysymJanitorOptions): { stop(): void } {
  let offset = 0;
  let live: number[] = [];
  let reading = false;
  let again = false;
  let stopped = false;
  let watcher: FSWatcher | undefined;
  let warned = false;

  const clear = (codes: number[]) =>
    new Promise<void>((resolve) => {
      execFile(
        'xmodmap',
        clearExpressions(codes),
        {
          env: { ...options.env, DISPLAY: `:${options.display}`, XAUTHORITY: options.xauthority },
          timeout: 5_000,
        },
        (error) => {
          if (error && !warned) {
            warned = true;
            options.log.warn(
              { reason: error.message },
              'cannot free the keycodes Xvnc bound for typed characters (is xmodmap installed?); after about twenty unusual characters new ones will be dropped',
            );
          }
          resolve();
        },
      );
    });

  const readNews = async () => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        const file = await open(options.xvncLog, 'r');
        let text = '';
        try {
          const { size } = await file.stat();
          if (size > offset) {
            const buffer = Buffer.alloc(size - offset);
            await file.read(buffer, 0, buffer.length, offset);
            offset = size;
            text = buffer.toString('utf8');
          }
        } finally {
          await file.close();
        }
        if (!text) continue;
        const plan = planRelease(live, readKeysymLog(text));
        live = plan.live;
        if (plan.free.length > 0 && !stopped) await clear(plan.free);
      } while (again && !stopped);
    } catch {
      // The log is gone with its session.
      stop();
    } finally {
      reading = false;
    }
  };

  const stop = () => {
    stopped = true;
    watcher?.close();
  };

  try {
    watcher = watch(options.xvncLog, () => void readNews());
    watcher.unref();
    watcher.on('error', stop);
    void readNews();
  } catch (error) {
    options.log.debug({ err: error }, 'cannot follow the Xvnc log');
  }
  return { stop };
}
