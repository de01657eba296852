import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Electron's login items (macOS, Windows); it has none for Linux, where the XDG autostart folder is. */
export interface OsLoginItems {
  get(): boolean;
  set(enabled: boolean, args: readonly string[]): void;
}

export interface LoginItemOptions {
  platform: NodeJS.Platform;
  /** $XDG_CONFIG_HOME or ~/.config. */
  configHome: string;
  /** What starts the app: the AppImage, or the executable; `--hidden` is added. */
  command: string;
  os: OsLoginItems;
}

/** Started at login the app belongs in the tray, not in a window in the user's face. */
export const LOGIN_ARGS = ['--hidden'] as const;

export const autostartFile = (configHome: string) => join(configHome, 'autostart', 'streamspace.desktop');

/** The desktop entry spec's quoting of one Exec argument. */
function execArg(arg: string): string {
  if (!/[\s"'\\`$;&|<>(){}*?#~]/.test(arg)) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartEntry(command: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=StreamSpace',
    'Comment=Containerised desktop apps in native windows',
    `Exec=${[command, ...LOGIN_ARGS].map(execArg).join(' ')}`,
    'Icon=streamspace',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export async function startsAtLogin(options: LoginItemOptions): Promise<boolean> {
  if (options.platform !== 'linux') return options.os.get();
  try {
    const entry = await readFile(autostartFile(options.configHome), 'utf8');
    return !/^Hidden=true$/m.test(entry) && !/^X-GNOME-Autostart-enabled=false$/m.test(entry);
  } catch {
    return false;
  }
}

export async function setStartsAtLogin(options: LoginItemOptions, enabled: boolean): Promise<void> {
  if (options.platform !== 'linux') {
    options.os.set(enabled, LOGIN_ARGS);
    return;
  }
  const file = autostartFile(options.configHome);
  if (!enabled) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(join(options.configHome, 'autostart'), { recursive: true });
  await writeFile(file, autostartEntry(options.command), { mode: 0o644 });
}
