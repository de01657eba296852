/** Expands `{home}` in a template's argv; the argv is exec'd directly, so nothing else is special. */
export function expandHome(argv: readonly string[], home: string): string[] {
  return argv.map((arg) => arg.replaceAll('{home}', home));
}

/** The app's argv: the template's command, its root-only arguments when running as root, `{home}` expanded. */
export function appArgv(
  local: { readonly command: readonly string[]; readonly rootArgs?: readonly string[] },
  home: string,
  runsAsRoot: boolean,
): string[] {
  const extra = runsAsRoot ? (local.rootArgs ?? []) : [];
  return expandHome([...local.command.slice(0, 1), ...extra, ...local.command.slice(1)], home);
}

/**
 * Variables the app may inherit from the agent. Everything else is dropped on purpose: the agent's
 * environment holds its backend token, and an app has no business reading it.
 */
const INHERITED = new Set(['PATH', 'LANG', 'LANGUAGE', 'TZ', 'USER', 'LOGNAME', 'SHELL']);

function inherited(key: string): boolean {
  return INHERITED.has(key) || key.startsWith('LC_');
}

export interface AppEnvInput {
  display: number;
  home: string;
  xauthority: string;
}

export function buildAppEnv(
  base: Readonly<Record<string, string | undefined>>,
  session: AppEnvInput,
  templateEnv: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && inherited(key)) env[key] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  Object.assign(env, templateEnv);
  // The session's own values win over the template: an app on another display would be invisible.
  env.DISPLAY = `:${session.display}`;
  env.HOME = session.home;
  env.XAUTHORITY = session.xauthority;
  return env;
}

/** Environment for Xvnc itself: it needs PATH (for xkbcomp) and the locale, nothing secret. */
export function buildXvncEnv(base: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && inherited(key)) env[key] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  return env;
}
