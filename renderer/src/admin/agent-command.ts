import type { RuntimeName } from '../../../protocol';

/** POSIX single quotes: nothing inside them is special but the quote itself. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * What to run on the agent's machine once it is registered: the token goes into a file only its
 * owner can read, since a token on the command line is visible to every user (agent/cli-options.ts).
 */
export function agentCommand(options: { serverUrl: string; token: string; runtime: RuntimeName }): string {
  const lines = [
    `(umask 077 && printf '%s\\n' ${shellQuote(options.token)} > agent-token)`,
    [
      'node out/server/agent.js',
      `--server ${shellQuote(options.serverUrl)}`,
      '--token-file ./agent-token',
      ...(options.runtime === 'kubernetes' ? ['--runtime kubernetes'] : []),
    ].join(' '),
  ];
  return lines.join('\n');
}
