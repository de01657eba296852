import { parseArgs } from 'node:util';

/** One command-line option of the standalone agent and the environment variables behind it. */
export interface OptionSpec {
  /** The value's placeholder in --help; a switch has none. */
  value?: string;
  /** Read in order when the flag is absent. */
  env: readonly string[];
  help: string;
  /** What --help says happens without it. */
  fallback: string;
  /** A flag that means nothing for the other runtime is refused rather than silently ignored. */
  runtime?: 'local' | 'kubernetes';
}

export const AGENT_OPTIONS = {
  server: {
    value: 'URL',
    env: ['STREAMSPACE_URL'],
    help: "The backend's base URL: https://, or http:// only to this machine (127.0.0.1, localhost, [::1]).",
    fallback: 'required',
  },
  token: {
    value: 'T',
    env: ['STREAMSPACE_AGENT_TOKEN'],
    help: 'The agent token the backend issued. Visible in /proc to other users: prefer --token-file.',
    fallback: 'required, unless --token-file',
  },
  'token-file': {
    value: 'PATH',
    env: ['STREAMSPACE_AGENT_TOKEN_FILE'],
    help: 'A file holding the agent token (a mounted Secret, say); surrounding whitespace is ignored.',
    fallback: 'none',
  },
  'agent-id': {
    value: 'ID',
    env: ['STREAMSPACE_AGENT_ID'],
    help: 'The agent id. Tokens the backend issues are <id>.<secret>, and the backend refuses any other id.',
    fallback: 'the id in the token',
  },
  runtime: {
    value: 'local|kubernetes',
    env: ['STREAMSPACE_RUNTIME'],
    help: 'Where sessions run: Xvnc on this host, or pods in a cluster.',
    fallback: 'local',
  },
  'max-sessions': {
    value: 'N',
    env: ['STREAMSPACE_MAX_SESSIONS'],
    help: 'The most sessions this agent runs at once.',
    fallback: '10',
  },
  'log-level': {
    value: 'LEVEL',
    env: ['STREAMSPACE_LOG_LEVEL'],
    help: 'fatal, error, warn, info, debug, trace or silent.',
    fallback: 'info',
  },
  'state-dir': {
    value: 'PATH',
    env: ['STREAMSPACE_AGENT_STATE_DIR'],
    help: 'Where the local runtime keeps its session state.',
    fallback: '~/.local/state/streamspace-agent',
    runtime: 'local',
  },
  namespace: {
    value: 'NS',
    env: ['STREAMSPACE_KUBE_NAMESPACE'],
    help: 'The namespace sessions run in.',
    fallback: 'streamspace',
    runtime: 'kubernetes',
  },
  kubeconfig: {
    value: 'PATH',
    env: ['STREAMSPACE_KUBECONFIG'],
    help: 'The kubeconfig to use. KUBECONFIG is honoured after it, as a list merged the way kubectl does.',
    fallback: 'KUBECONFIG, else ~/.kube/config',
    runtime: 'kubernetes',
  },
  context: {
    value: 'NAME',
    env: ['STREAMSPACE_KUBE_CONTEXT'],
    help: 'The kubeconfig context to use.',
    fallback: "the kubeconfig's current-context",
    runtime: 'kubernetes',
  },
  'allow-insecure-http': {
    env: ['STREAMSPACE_ALLOW_INSECURE_HTTP'],
    help: 'Allow http:// to a backend that is not on this machine, such as a control plane reached through a cluster-internal Service. The token and VNC passwords then cross that network unencrypted (env: true or false).',
    fallback: 'false',
  },
  'in-cluster': {
    env: ['STREAMSPACE_KUBE_IN_CLUSTER'],
    help: "Use the pod's service account instead of a kubeconfig (env: true or false).",
    fallback: 'false',
    runtime: 'kubernetes',
  },
  'vnc-mode': {
    value: 'port-forward|direct|auto',
    env: ['STREAMSPACE_VNC_MODE'],
    help: "How to reach a session's VNC port: through the API server, or straight to its Service.",
    fallback: 'auto: direct with --in-cluster, port-forward otherwise',
    runtime: 'kubernetes',
  },
  'storage-class': {
    value: 'NAME',
    env: ['STREAMSPACE_KUBE_STORAGE_CLASS'],
    help: 'Storage class of the per-user home volumes.',
    fallback: "the cluster's default class",
    runtime: 'kubernetes',
  },
  'home-size': {
    value: 'SIZE',
    env: ['STREAMSPACE_KUBE_HOME_SIZE'],
    help: 'Size of a new home volume, like 5Gi.',
    fallback: '5Gi',
    runtime: 'kubernetes',
  },
  'max-cpu': {
    value: 'CPU',
    env: ['STREAMSPACE_KUBE_MAX_CPU'],
    help: 'The most CPU a session may have, like 2 or 500m; larger requests are cut down to it.',
    fallback: '4',
    runtime: 'kubernetes',
  },
  'max-memory': {
    value: 'SIZE',
    env: ['STREAMSPACE_KUBE_MAX_MEMORY'],
    help: 'The most memory a session may have, like 4Gi; larger requests are cut down to it.',
    fallback: '4Gi',
    runtime: 'kubernetes',
  },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof AGENT_OPTIONS;

const NAMES = Object.keys(AGENT_OPTIONS) as OptionName[];
const isOptionName = (name: string): name is OptionName => name in AGENT_OPTIONS;
const specOf = (name: OptionName): OptionSpec => AGENT_OPTIONS[name];

export interface Setting {
  value: string;
  /** `--flag` or the variable the value came from, to name in a problem. */
  source: string;
  fromFlag: boolean;
}

export interface ReadOptions {
  settings: Partial<Record<OptionName, Setting>>;
  help: boolean;
  problems: string[];
}

/**
 * Flags, then the environment, per option. Problems name options, never values: a mistyped flag
 * can be followed by the token. Non-strict parsing is used so every problem is found, not just the
 * first, and the checks strict mode would make are made here.
 */
export function readOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ReadOptions {
  const options = Object.fromEntries(
    NAMES.map((name) => [name, { type: specOf(name).value ? 'string' : 'boolean' } as const]),
  );
  const { tokens } = parseArgs({
    args: [...argv],
    options: { ...options, help: { type: 'boolean', short: 'h' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const problems: string[] = [];
  const flags = new Map<OptionName, string>();
  let help = false;
  let positionals = 0;
  for (const token of tokens) {
    if (token.kind === 'positional') positionals += 1;
    if (token.kind !== 'option') continue;
    if (token.name === 'help' || token.name === 'h') {
      help = true;
      continue;
    }
    if (!isOptionName(token.name)) {
      problems.push(
        `${token.rawName.startsWith('--') ? '--' : '-'}${token.name}: unknown option (see --help)`,
      );
      continue;
    }
    const flag = `--${token.name}`;
    if (!specOf(token.name).value) {
      if (token.inlineValue) problems.push(`${flag}: takes no value`);
      else flags.set(token.name, 'true');
      continue;
    }
    // Non-strict parseArgs takes the next argument as the value even when it is another option.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))) {
      problems.push(`${flag}: needs a value (write ${flag}=VALUE for one that starts with -)`);
      continue;
    }
    flags.set(token.name, token.value);
  }
  if (positionals > 0)
    problems.push(`${positionals} unexpected argument(s): every value follows its --option`);

  const settings: Partial<Record<OptionName, Setting>> = {};
  for (const name of NAMES) {
    const flag = flags.get(name);
    if (flag !== undefined) {
      settings[name] = { value: flag, source: `--${name}`, fromFlag: true };
      continue;
    }
    // An empty variable is as good as unset: `FOO= agent` should fall back to the default.
    const variable = specOf(name).env.find((key) => env[key] !== undefined && env[key] !== '');
    if (variable) settings[name] = { value: env[variable] ?? '', source: variable, fromFlag: false };
  }
  return { settings, help, problems };
}

/** The runtime an option is only meaningful for, if any. */
export function runtimeOf(name: OptionName): OptionSpec['runtime'] {
  return specOf(name).runtime;
}

/** How a missing option is named: by its flag and every variable that could have set it. */
export function optionLabel(name: OptionName): string {
  return [`--${name}`, ...specOf(name).env].join(' / ');
}

export function helpText(): string {
  const lines = [
    'Usage: node out/server/agent.js --server URL --token T [--runtime kubernetes] [options]',
    '',
    'Runs StreamSpace sessions for a backend. Every option can also be set by the environment',
    'variable named under it; a flag wins over its variable, and an empty variable counts as unset.',
    '',
  ];
  let section: OptionSpec['runtime'] | 'common' = 'common';
  for (const name of NAMES) {
    const spec = specOf(name);
    if ((spec.runtime ?? 'common') !== section) {
      section = spec.runtime ?? 'common';
      lines.push('', section === 'local' ? 'Local runtime:' : 'Kubernetes runtime:');
    }
    lines.push(`  --${name}${spec.value ? ` ${spec.value}` : ''}`);
    lines.push(`      ${spec.help}`);
    lines.push(`      env ${spec.env.join(', ')}; default: ${spec.fallback}`);
  }
  lines.push('', '  -h, --help', '      Show this help and exit.', '');
  return lines.join('\n');
}
