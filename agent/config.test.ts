import { describe, expect, it } from 'vitest';
import {
  type AgentConfig,
  agentIdFromToken,
  type CommandLine,
  defaultStateDir,
  parseCommandLine,
} from './config';

const valid = {
  STREAMSPACE_URL: 'https://ss.example.com',
  STREAMSPACE_AGENT_TOKEN: 'tok-secret',
  STREAMSPACE_AGENT_ID: 'agent-1',
};

const files: Record<string, string> = { '/run/token': 'file-id.file-secret\n', '/run/empty': ' \n' };
const deps = {
  homeDir: '/home/u',
  readFile: (path: string) => {
    const content = files[path];
    if (content === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return content;
  },
};

function run(argv: string[], env: Record<string, string | undefined> = {}): AgentConfig {
  const result = parseCommandLine(argv, env, deps);
  if (result.kind !== 'run') throw new Error(`expected a configuration, got ${JSON.stringify(result)}`);
  return result.config;
}

function problems(argv: string[], env: Record<string, string | undefined> = {}): string[] {
  const result: CommandLine = parseCommandLine(argv, env, deps);
  if (result.kind !== 'invalid') throw new Error(`expected problems, got ${result.kind}`);
  return result.problems;
}

describe('parseCommandLine', () => {
  it('reads the environment as before, filling in defaults', () => {
    expect(run([], valid)).toEqual({
      baseUrl: 'https://ss.example.com',
      token: 'tok-secret',
      agentId: 'agent-1',
      runtime: 'local',
      stateDir: '/home/u/.local/state/streamspace-agent',
      maxSessions: 10,
      logLevel: 'info',
      insecureHttp: false,
    });
    expect(defaultStateDir('/h')).toBe('/h/.local/state/streamspace-agent');
  });

  it('treats empty variables as unset', () => {
    const env = { ...valid, STREAMSPACE_AGENT_STATE_DIR: '/var/lib/ss', STREAMSPACE_MAX_SESSIONS: '3' };
    expect(run([], { ...env, STREAMSPACE_LOG_LEVEL: '' })).toMatchObject({
      stateDir: '/var/lib/ss',
      maxSessions: 3,
      logLevel: 'info',
    });
  });

  it('lets flags win over the environment', () => {
    const config = run(
      [
        '--server=http://127.0.0.1:8080',
        '--token',
        'flag-tok',
        '--max-sessions',
        '4',
        '--log-level',
        'debug',
      ],
      { ...valid, STREAMSPACE_MAX_SESSIONS: '3' },
    );
    expect(config).toMatchObject({
      baseUrl: 'http://127.0.0.1:8080',
      token: 'flag-tok',
      agentId: 'agent-1',
      maxSessions: 4,
      logLevel: 'debug',
    });
  });

  it('takes the agent id from a backend-issued token, and refuses a different one', () => {
    expect(agentIdFromToken('3f2a.secret')).toBe('3f2a');
    expect(agentIdFromToken('no-dot')).toBeUndefined();
    expect(agentIdFromToken('.x')).toBeUndefined();
    const base = ['--server', 'https://ss.example.com'];
    expect(run([...base, '--token', '3f2a.secret']).agentId).toBe('3f2a');
    expect(run([...base, '--token', '3f2a.secret', '--agent-id', '3f2a']).agentId).toBe('3f2a');
    expect(problems([...base, '--token', '3f2a.secret', '--agent-id', 'other'])).toEqual([
      '--agent-id: differs from the id in the token, so the backend would refuse it; leave it unset',
    ]);
    expect(problems([...base, '--token', 'no-dot'])).toEqual([
      '--agent-id / STREAMSPACE_AGENT_ID: is required (the token does not carry an id)',
    ]);
  });

  it('reads the token from a file, never from both places at one level', () => {
    const env = { STREAMSPACE_URL: valid.STREAMSPACE_URL };
    expect(run(['--token-file', '/run/token'], env)).toMatchObject({
      token: 'file-id.file-secret',
      agentId: 'file-id',
    });
    // A flag beats a variable of the other kind too.
    expect(run(['--token-file', '/run/token'], { ...env, STREAMSPACE_AGENT_TOKEN: 'a.b' }).token).toBe(
      'file-id.file-secret',
    );
    expect(run(['--token', 'a.b'], { ...env, STREAMSPACE_AGENT_TOKEN_FILE: '/run/token' }).token).toBe('a.b');
    expect(problems(['--token', 'a.b', '--token-file', '/run/token'], env)).toEqual([
      '--token and --token-file: give only one of them',
    ]);
    expect(problems(['--token-file', '/run/missing'], env)).toEqual([
      '--token-file: cannot read /run/missing (ENOENT)',
    ]);
    expect(problems([], { ...env, STREAMSPACE_AGENT_TOKEN_FILE: '/run/empty' })).toEqual([
      'STREAMSPACE_AGENT_TOKEN_FILE: /run/empty is empty',
    ]);
  });

  it('takes plain http only to a backend on this machine', () => {
    const env = { STREAMSPACE_AGENT_TOKEN: 'a.t' };
    for (const server of [
      'http://127.0.0.1:8080',
      'http://localhost:8080/',
      'http://[::1]:8080',
      'http://127.1:8080',
      'https://ss.example.com',
      'https://10.0.0.5:8443',
    ]) {
      expect(run(['--server', server], env).baseUrl).toBe(server);
    }
    const refusal =
      'must be https:// unless the backend is on this machine (http://127.0.0.1, http://localhost or http://[::1]), or --allow-insecure-http is given';
    for (const server of [
      'http://ss.example.com',
      'http://10.0.0.5:8080',
      'http://[::2]:8080',
      'http://localhost.evil.example:8080',
      'http://127.0.0.1.nip.io',
      'http://streamspace-control-plane.streamspace-control-plane.svc:8080',
    ]) {
      expect(problems(['--server', server], env)).toEqual([`--server: ${refusal}`]);
    }
    expect(problems([], { ...env, STREAMSPACE_URL: 'http://ss.example.com' })).toEqual([
      `STREAMSPACE_URL: ${refusal}`,
    ]);
  });

  it('takes plain http to another machine only when told so, and marks it for a warning', () => {
    const env = { STREAMSPACE_AGENT_TOKEN: 'a.t', STREAMSPACE_ALLOW_INSECURE_HTTP: 'true' };
    const inCluster = 'http://streamspace-control-plane.streamspace-control-plane.svc:8080';
    expect(run(['--server', inCluster], env)).toMatchObject({ baseUrl: inCluster, insecureHttp: true });
    expect(run(['--server', 'http://127.0.0.1:8080'], env)).toMatchObject({ insecureHttp: false });
    expect(
      run(['--server', inCluster, '--allow-insecure-http'], { STREAMSPACE_AGENT_TOKEN: 'a.t' }).insecureHttp,
    ).toBe(true);
  });

  it('names every problem, by the flag or variable behind it, without echoing values', () => {
    const list = problems(['--max-sessions', 'many', '--bogus=sekrit-token', 'stray', '--server'], {
      STREAMSPACE_URL: 'ftp://x',
      STREAMSPACE_AGENT_TOKEN: '',
      STREAMSPACE_LOG_LEVEL: 'loud',
    });
    expect(list).toEqual([
      '--bogus: unknown option (see --help)',
      '--server: needs a value (write --server=VALUE for one that starts with -)',
      '1 unexpected argument(s): every value follows its --option',
      '--token / STREAMSPACE_AGENT_TOKEN (or --token-file): is required',
      'STREAMSPACE_URL: must be the http(s) base URL of the backend',
      '--max-sessions: must be a whole number',
      expect.stringMatching(/^STREAMSPACE_LOG_LEVEL: /),
    ]);
    expect(list.join('\n')).not.toContain('sekrit');
    expect(problems(['--token', '--server', 'x'], valid)[0]).toMatch(/^--token: needs a value/);
    expect(problems(['--in-cluster=yes', '--runtime', 'kubernetes'], valid)).toEqual([
      '--in-cluster: takes no value',
    ]);
  });

  it('refuses unknown runtimes and flags of the other runtime', () => {
    expect(problems(['--runtime', 'docker'], valid)).toEqual([expect.stringMatching(/^--runtime: /)]);
    expect(problems(['--namespace', 'x', '--context', 'c'], valid)).toEqual([
      '--namespace: only applies to --runtime kubernetes',
      '--context: only applies to --runtime kubernetes',
    ]);
    expect(problems(['--runtime', 'kubernetes', '--state-dir', '/x'], valid)).toEqual([
      '--state-dir: only applies to --runtime local',
    ]);
    // A variable for the other runtime is left alone: environments are often shared.
    expect(run([], { ...valid, STREAMSPACE_KUBE_NAMESPACE: 'x' }).runtime).toBe('local');
  });

  it('builds the kubernetes settings from defaults, flags and variables', () => {
    const defaults = run(['--runtime', 'kubernetes'], valid);
    expect(defaults).toMatchObject({
      runtime: 'kubernetes',
      kube: { kubeconfig: undefined, context: undefined, inCluster: false },
      settings: {
        namespace: 'streamspace',
        homeSize: '5Gi',
        vncMode: 'auto',
        maxResources: { cpu: '4', memory: '4Gi' },
      },
    });
    const config = run(
      [
        '--namespace',
        'desk',
        '--kubeconfig',
        '/k',
        '--context',
        'prod',
        '--vnc-mode',
        'direct',
        '--max-cpu',
        '2',
      ],
      {
        ...valid,
        STREAMSPACE_RUNTIME: 'kubernetes',
        STREAMSPACE_KUBE_NAMESPACE: 'ignored',
        STREAMSPACE_KUBE_IN_CLUSTER: 'false',
        STREAMSPACE_KUBE_STORAGE_CLASS: 'fast',
        STREAMSPACE_KUBE_HOME_SIZE: '10Gi',
      },
    );
    expect(config).toMatchObject({
      kube: { kubeconfig: '/k', context: 'prod', inCluster: false },
      settings: {
        namespace: 'desk',
        storageClass: 'fast',
        homeSize: '10Gi',
        vncMode: 'direct',
        maxResources: { cpu: '2', memory: '4Gi' },
      },
    });
    expect(run(['--runtime', 'kubernetes', '--in-cluster'], valid)).toMatchObject({
      kube: { inCluster: true },
    });
    expect(
      run([], { ...valid, STREAMSPACE_RUNTIME: 'kubernetes', STREAMSPACE_KUBE_IN_CLUSTER: '1' }),
    ).toMatchObject({ kube: { inCluster: true } });
  });

  it('names the option behind a bad kubernetes setting', () => {
    const list = problems(
      ['--runtime', 'kubernetes', '--namespace', 'Not_A_Label', '--vnc-mode', 'tcp', '--max-memory', 'lots'],
      { ...valid, STREAMSPACE_KUBE_HOME_SIZE: 'big', STREAMSPACE_KUBE_IN_CLUSTER: 'maybe' },
    );
    expect(list).toEqual([
      'STREAMSPACE_KUBE_IN_CLUSTER: must be true or false',
      expect.stringMatching(/^--namespace: /),
      expect.stringMatching(/^STREAMSPACE_KUBE_HOME_SIZE: memory like/),
      expect.stringMatching(/^--max-memory: memory like/),
      expect.stringMatching(/^--vnc-mode: /),
    ]);
  });

  it('answers --help with every option and its variable', () => {
    const result = parseCommandLine(['--server', 'x', '--help'], {}, deps);
    expect(result.kind).toBe('help');
    if (result.kind !== 'help') return;
    for (const text of ['--server URL', 'STREAMSPACE_URL', '--token-file PATH', 'STREAMSPACE_KUBE_CONTEXT']) {
      expect(result.text).toContain(text);
    }
    expect(result.text).toContain('default: streamspace');
    expect(parseCommandLine(['-h'], {}, deps).kind).toBe('help');
  });
});
