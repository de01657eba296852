import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { RuntimeName } from '../protocol';
import { helpText, type OptionName, optionLabel, readOptions, runtimeOf, type Setting } from './cli-options';
import { KubernetesSettings } from './runtimes/kubernetes/settings';

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const Switch = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((value) => ['true', '1', 'yes'].includes(value));

/**
 * Plain http is for a backend on this machine only: anywhere else the agent token and every
 * session's VNC password would cross the network in the clear.
 */
export function cleartextAllowed(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL at all: the url check reports that, once.
    return true;
  }
  const { protocol, hostname } = parsed;
  if (protocol !== 'http:') return true;
  // WHATWG URL parsing has already normalised 127.1, 0x7f.0.0.1 and the like to dotted quads.
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Every option but the kubernetes settings, which KubernetesSettings itself checks. */
const AgentOptions = z
  .object({
    server: z.url({ protocol: /^https?$/, error: 'must be the http(s) base URL of the backend' }),
    'allow-insecure-http': Switch.default(false),
    token: z
      .string({ error: 'is required' })
      .min(1, 'is required')
      .max(512, 'must be at most 512 characters'),
    'agent-id': z.string().min(1).max(100, 'must be at most 100 characters').optional(),
    runtime: RuntimeName.default('local'),
    'max-sessions': z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(100_000, 'must be at most 100000')
      .default(10),
    'log-level': LogLevel.default('info'),
    'state-dir': z.string().min(1).optional(),
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    'in-cluster': Switch.default(false),
  })
  .superRefine((options, context) => {
    if (options['allow-insecure-http'] || cleartextAllowed(options.server)) return;
    context.addIssue({
      code: 'custom',
      path: ['server'],
      message:
        'must be https:// unless the backend is on this machine (http://127.0.0.1, http://localhost or http://[::1]), or --allow-insecure-http is given',
    });
  });

/** The option behind each settings field, so a settings problem names what to change. */
const SETTING_OPTIONS: Record<string, OptionName> = {
  namespace: 'namespace',
  storageClass: 'storage-class',
  homeSize: 'home-size',
  'maxResources.cpu': 'max-cpu',
  'maxResources.memory': 'max-memory',
  vncMode: 'vnc-mode',
};

const DEFAULT_MAX_RESOURCES = KubernetesSettings.parse({}).maxResources;

interface AgentBase {
  baseUrl: string;
  token: string;
  agentId: string;
  maxSessions: number;
  logLevel: z.infer<typeof LogLevel>;
  /** Plain http to another machine, allowed explicitly: the agent warns about it at start. */
  insecureHttp: boolean;
}

export interface LocalAgentConfig extends AgentBase {
  runtime: 'local';
  stateDir: string;
}

export interface KubernetesAgentConfig extends AgentBase {
  runtime: 'kubernetes';
  kube: { kubeconfig?: string; context?: string; inCluster: boolean };
  settings: KubernetesSettings;
}

export type AgentConfig = LocalAgentConfig | KubernetesAgentConfig;

export type CommandLine =
  | { kind: 'run'; config: AgentConfig }
  | { kind: 'help'; text: string }
  | { kind: 'invalid'; problems: string[] };

export interface CommandLineDeps {
  homeDir: string;
  /** Reads --token-file; node's readFileSync unless a test says otherwise. */
  readFile?: (path: string) => string;
}

type Settings = Partial<Record<OptionName, Setting>>;

export function defaultStateDir(homeDir: string): string {
  return join(homeDir, '.local', 'state', 'streamspace-agent');
}

/**
 * Tokens the backend issues are `<agentId>.<secret>` (backend/agents/registry.ts), and its hello
 * check refuses an agentId other than the token's, so the id can come from the token.
 */
export function agentIdFromToken(token: string): string | undefined {
  const dot = token.indexOf('.');
  return dot > 0 && dot < token.length - 1 ? token.slice(0, dot) : undefined;
}

/** The token from --token or --token-file, a flag winning over the environment as elsewhere. */
function resolveToken(settings: Settings, deps: CommandLineDeps, problems: string[]): string | undefined {
  const { token, 'token-file': file } = settings;
  if (token && file && token.fromFlag === file.fromFlag) {
    problems.push(`${token.source} and ${file.source}: give only one of them`);
    return undefined;
  }
  if (token && (!file || token.fromFlag)) return token.value;
  if (!file) {
    problems.push(`${optionLabel('token')} (or --token-file): is required`);
    return undefined;
  }
  let text: string;
  try {
    text = (deps.readFile ?? ((path) => readFileSync(path, 'utf8')))(file.value);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    problems.push(`${file.source}: cannot read ${file.value} (${code})`);
    return undefined;
  }
  const read = text.trim();
  if (!read) problems.push(`${file.source}: ${file.value} is empty`);
  return read || undefined;
}

function kubernetesSettings(settings: Settings, problems: string[]): KubernetesSettings | undefined {
  const value = (name: OptionName) => settings[name]?.value;
  const limited = value('max-cpu') !== undefined || value('max-memory') !== undefined;
  const parsed = KubernetesSettings.safeParse({
    namespace: value('namespace'),
    storageClass: value('storage-class'),
    homeSize: value('home-size'),
    vncMode: value('vnc-mode'),
    // One limit alone keeps the default of the other.
    maxResources: limited
      ? {
          cpu: value('max-cpu') ?? DEFAULT_MAX_RESOURCES.cpu,
          memory: value('max-memory') ?? DEFAULT_MAX_RESOURCES.memory,
        }
      : undefined,
  });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const name = SETTING_OPTIONS[issue.path.join('.')];
    problems.push(`${name ? (settings[name]?.source ?? `--${name}`) : 'settings'}: ${issue.message}`);
  }
  return undefined;
}

function resolveAgentId(token: string, settings: Settings, problems: string[]): string | undefined {
  const fromToken = agentIdFromToken(token);
  const explicit = settings['agent-id']?.value;
  const source = settings['agent-id']?.source ?? optionLabel('agent-id');
  if (explicit && fromToken && explicit !== fromToken) {
    problems.push(
      `${source}: differs from the id in the token, so the backend would refuse it; leave it unset`,
    );
  }
  const id = explicit ?? fromToken;
  if (!id) problems.push(`${source}: is required (the token does not carry an id)`);
  return id;
}

/** The standalone agent's flags and environment, checked in full: every problem is reported at once. */
export function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  deps: CommandLineDeps,
): CommandLine {
  const { settings, help, problems } = readOptions(argv, env);
  if (help) return { kind: 'help', text: helpText() };

  const token = resolveToken(settings, deps, problems);
  const raw = Object.fromEntries(Object.entries(settings).map(([name, s]) => [name, s.value]));
  // A missing or unreadable token is already a problem; a stand-in keeps it from being reported twice.
  const parsed = AgentOptions.safeParse({ ...raw, token: token ?? 'unset' });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]) as OptionName;
      problems.push(`${settings[name]?.source ?? optionLabel(name)}: ${issue.message}`);
    }
  }
  const runtime = parsed.data?.runtime ?? (settings.runtime?.value === 'kubernetes' ? 'kubernetes' : 'local');
  for (const [name, setting] of Object.entries(settings) as [OptionName, Setting][]) {
    const only = runtimeOf(name);
    // Flags only: a variable left in a shared environment should not stop the other runtime.
    if (only && only !== runtime && setting.fromFlag) {
      problems.push(`${setting.source}: only applies to --runtime ${only}`);
    }
  }
  const kube = runtime === 'kubernetes' ? kubernetesSettings(settings, problems) : undefined;
  const options = parsed.data;
  const agentId = token ? resolveAgentId(token, settings, problems) : undefined;
  if (problems.length > 0 || !options || !token || !agentId) return { kind: 'invalid', problems };

  const base: AgentBase = {
    baseUrl: options.server,
    token,
    agentId,
    maxSessions: options['max-sessions'],
    logLevel: options['log-level'],
    insecureHttp: options['allow-insecure-http'] && !cleartextAllowed(options.server),
  };
  if (options.runtime === 'local') {
    return {
      kind: 'run',
      config: { ...base, runtime: 'local', stateDir: options['state-dir'] ?? defaultStateDir(deps.homeDir) },
    };
  }
  // Unreachable: kubernetes settings that did not parse left a problem above.
  if (!kube) return { kind: 'invalid', problems: ['kubernetes settings: invalid'] };
  return {
    kind: 'run',
    config: {
      ...base,
      runtime: 'kubernetes',
      kube: { kubeconfig: options.kubeconfig, context: options.context, inCluster: options['in-cluster'] },
      settings: kube,
    },
  };
}
