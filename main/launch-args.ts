export interface LaunchArgs {
  /** `--server <url> [--server-name <name>]`: add (or reuse) a server profile and switch to it. */
  server?: { url: string; name?: string };
  /** `--hidden`: start in the tray only, as autostart at login would. */
  hidden: boolean;
}

/**
 * Command-line options of the app, read at start and from a second instance. Until the bridge can
 * manage profiles, this is how a user adds a server; Chromium's own switches pass through untouched.
 */
export function parseLaunchArgs(argv: readonly string[]): LaunchArgs {
  const result: LaunchArgs = { hidden: false };
  const value = (i: number, name: string): [string | undefined, number] => {
    const arg = argv[i]!;
    if (arg.startsWith(`${name}=`)) return [arg.slice(name.length + 1), i];
    const next = argv[i + 1];
    return next !== undefined && !next.startsWith('--') ? [next, i + 1] : [undefined, i];
  };
  let name: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--hidden') result.hidden = true;
    else if (arg === '--server' || arg.startsWith('--server=')) {
      const [url, next] = value(i, '--server');
      if (url) result.server = { url };
      i = next;
    } else if (arg === '--server-name' || arg.startsWith('--server-name=')) {
      [name, i] = value(i, '--server-name');
    }
  }
  if (result.server && name) result.server.name = name;
  return result;
}
