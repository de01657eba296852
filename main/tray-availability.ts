import { execFile } from 'node:child_process';

/** The D-Bus name of the StatusNotifierItem host; Electron's Linux tray icon shows only where one runs. */
export const STATUS_NOTIFIER_WATCHER = 'org.kde.StatusNotifierWatcher';

export type RunCommand = (file: string, args: readonly string[]) => Promise<string>;

const runCommand: RunCommand = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 2_000 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });

/** dbus-send's `--print-reply` of NameHasOwner; null when it is not such a reply. */
export function parseNameHasOwner(stdout: string): boolean | null {
  const match = /\bboolean\s+(true|false)\b/.exec(stdout);
  return match ? match[1] === 'true' : null;
}

export interface TrayProbe {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  run?: RunCommand;
}

/**
 * Whether a tray icon will be seen. macOS and Windows always have one. On Linux it takes a
 * StatusNotifier host: KDE, XFCE and most others run one, stock GNOME does not without the
 * AppIndicator extension. Electron cannot tell, so the session bus is asked.
 */
export async function trayAvailable(probe: TrayProbe): Promise<boolean> {
  if (probe.platform !== 'linux') return true;
  const run = probe.run ?? runCommand;
  try {
    const reply = await run('dbus-send', [
      '--session',
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      `string:${STATUS_NOTIFIER_WATCHER}`,
    ]);
    const owned = parseNameHasOwner(reply);
    if (owned !== null) return owned;
  } catch {
    // No dbus-send, or no session bus: guess from the desktop below.
  }
  const desktop = (probe.env.XDG_CURRENT_DESKTOP ?? '').toUpperCase();
  return !desktop.split(':').includes('GNOME');
}
