import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOME_MOUNT, VNC_SECRET_KEY, VNC_SECRET_MOUNT } from '../../agent/runtimes/kubernetes/manifests';
import { KubernetesSettings } from '../../agent/runtimes/kubernetes/settings';
import { loadTemplates } from '../../backend/templates/loader';
import {
  type DockerInstruction,
  IMAGES_DIR,
  type ImageEntry,
  imageTag,
  ROOT,
  readDockerfile,
  readImagesList,
} from './resource-files';

// The images behind the templates' kubernetes sections, checked against what the runtime
// expects of them (agent/runtimes/kubernetes/manifests.ts) without a Docker daemon.

const { templates, problems } = loadTemplates([join(ROOT, 'resources', 'templates')]);
const kubeTemplates = templates.filter((t) => t.kubernetes !== undefined);
const images = readImagesList();
const byRole = (role: ImageEntry['role']) => images.filter((entry) => entry.role === role);
const base = byRole('base')[0];
const ENTRYPOINT = join(IMAGES_DIR, 'base', 'session-entrypoint.sh');
const entrypointText = readFileSync(ENTRYPOINT, 'utf8');
const PASSWORD_PATH = `${VNC_SECRET_MOUNT}/${VNC_SECRET_KEY}`;
/** Session pods run as this UID and GID, so the images' user must be exactly that. */
const { runAsUser } = KubernetesSettings.parse({});
const FINAL_USER = { keyword: 'USER', args: `${runAsUser}:${runAsUser}` };
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

const instructions = (entry: ImageEntry) => readDockerfile(join(ROOT, entry.dockerfile));
const argsOf = (list: DockerInstruction[], keyword: string) =>
  list.filter((i) => i.keyword === keyword).map((i) => i.args);
/** The exec form (JSON array) of CMD or ENTRYPOINT; the shell form would put sh between tini and the app. */
const execForm = (args: string | undefined): string[] => {
  const parsed: unknown = JSON.parse(args ?? 'null');
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string'))
    throw new Error(`not exec form: ${args}`);
  return parsed;
};

describe('images.txt', () => {
  it('lists one base, agent and control-plane image, unique names, files that exist', () => {
    expect(problems).toEqual([]);
    for (const role of ['base', 'agent', 'control-plane'] as const)
      expect(byRole(role), role).toHaveLength(1);
    expect(new Set(images.map((e) => e.name)).size).toBe(images.length);
    for (const entry of images) {
      expect(existsSync(join(ROOT, entry.context)), entry.context).toBe(true);
      expect(existsSync(join(ROOT, entry.dockerfile)), entry.dockerfile).toBe(true);
    }
    // kind-up.sh builds in file order, and the session images start FROM the base.
    expect(images[0]?.role).toBe('base');
  });

  it('ends every Dockerfile as the UID:GID the pods run as (1000:1000)', () => {
    for (const entry of images) {
      expect(instructions(entry).at(-1), entry.dockerfile).toEqual(FINAL_USER);
    }
  });

  it('tags every image with a version, never :latest', () => {
    for (const entry of images) {
      const tag = imageTag(entry.image);
      expect(tag, entry.image).toBeDefined();
      expect(tag).not.toBe('latest');
    }
    // Built from this repository, so they carry its version, as the agent reports in hello.
    for (const role of ['agent', 'control-plane'] as const)
      expect(imageTag(byRole(role)[0]?.image ?? '')).toBe(version);
  });

  it('has a session image for each template with a kubernetes section, and no other', () => {
    expect(kubeTemplates.length).toBeGreaterThan(0);
    expect(
      byRole('session')
        .map((e) => e.name)
        .sort(),
    ).toEqual(kubeTemplates.map((t) => t.name).sort());
  });
});

describe.each(kubeTemplates.map((t) => [t.name, t] as const))('the %s session image', (name, template) => {
  const entry = () => {
    const found = byRole('session').find((e) => e.name === name);
    if (!found) throw new Error(`images.txt has no session image ${name}`);
    return found;
  };

  it('is resources/images/<template>/Dockerfile, tagged as the template says', () => {
    expect(entry().context).toBe(`resources/images/${name}`);
    expect(entry().dockerfile).toBe(`resources/images/${name}/Dockerfile`);
    expect(template.kubernetes?.image).toBe(entry().image);
    expect(imageTag(entry().image)).not.toBe('latest');
  });

  it('starts FROM the base image of images.txt', () => {
    const list = instructions(entry());
    expect(list[0]).toEqual({ keyword: 'ARG', args: `BASE_IMAGE=${base?.image}` });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's own ARG reference
    expect(argsOf(list, 'FROM')).toEqual(['${BASE_IMAGE}']);
  });

  it('ends as USER 1000:1000 and runs the program the local runtime runs', () => {
    const list = instructions(entry());
    expect(list.at(-1)).toEqual(FINAL_USER);
    const cmd = execForm(argsOf(list, 'CMD').at(-1));
    if (template.local) expect(cmd[0]).toBe(template.local.command[0]);
    expect(argsOf(list, 'ENTRYPOINT'), 'the base entrypoint brings up the display').toEqual([]);
  });

  it('serves VNC on the port the base image serves', () => {
    expect(argsOf(readDockerfile(join(IMAGES_DIR, 'base', 'Dockerfile')), 'EXPOSE')).toContain(
      String(template.kubernetes?.vncPort),
    );
  });
});

describe('the base image', () => {
  const list = () => readDockerfile(join(IMAGES_DIR, 'base', 'Dockerfile'));

  it('is Debian bookworm-slim with TigerVNC, vncpasswd and a window manager', () => {
    expect(argsOf(list(), 'FROM')).toEqual(['debian:bookworm-slim']);
    const installs = argsOf(list(), 'RUN').join(' ');
    for (const pkg of ['tigervnc-standalone-server', 'tigervnc-tools', 'matchbox-window-manager', 'tini']) {
      expect(installs).toMatch(new RegExp(`\\b${pkg}\\b`));
    }
  });

  it('has the user 1000:1000 with the home the runtime mounts, and ends as that user', () => {
    const run = argsOf(list(), 'RUN').join(' ');
    expect(run).toContain(`groupadd --gid ${runAsUser} streamspace`);
    expect(run).toContain(`useradd --uid ${runAsUser} --gid ${runAsUser} --home-dir ${HOME_MOUNT} `);
    expect(argsOf(list(), 'ENV').join(' ')).toContain(`HOME=${HOME_MOUNT}`);
    expect(list().at(-1)).toEqual(FINAL_USER);
  });

  it('runs the session entrypoint under tini, with the keysym janitor it starts beside it', () => {
    expect(argsOf(list(), 'COPY')).toEqual(
      expect.arrayContaining([
        '--chmod=0755 session-entrypoint.sh /usr/local/bin/session-entrypoint.sh',
        '--chmod=0755 keysym-janitor.sh /usr/local/bin/keysym-janitor.sh',
      ]),
    );
    expect(argsOf(list(), 'RUN').join(' ')).toContain('x11-xserver-utils');
    expect(entrypointText).toContain('/usr/local/bin/keysym-janitor.sh <"$XVNC_OUTPUT" &');
    expect(execForm(argsOf(list(), 'ENTRYPOINT').at(-1))).toEqual([
      '/usr/bin/tini',
      '--',
      '/usr/local/bin/session-entrypoint.sh',
    ]);
  });
});

describe('session-entrypoint.sh', () => {
  it('is valid POSIX sh with set -eu', () => {
    const check = spawnSync('sh', ['-n', ENTRYPOINT], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect(entrypointText.startsWith('#!/bin/sh\n')).toBe(true);
    expect(entrypointText).toMatch(/^set -eu$/m);
  });

  it('reads the password from the file the runtime mounts, into vncpasswd over stdin', () => {
    expect(entrypointText).toMatch(new RegExp(`^PASSWORD_FILE=${PASSWORD_PATH}$`, 'm'));
    const calls = entrypointText
      .split('\n')
      // Where it runs as a command: at a line's start, after a pipe, ; or &&, or in $( ).
      .filter((line) => !line.trim().startsWith('#') && /(^\s*|[|;&]\s*|\$\(\s*)vncpasswd\b/.test(line));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^vncpasswd -f <"\$PASSWORD_FILE" >"\$RFBAUTH" /);
  });

  it('takes nothing from the environment but VNC_PORT', () => {
    const code = entrypointText
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n');
    const assigned = new Set(
      [...code.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]),
    );
    const read = new Set(
      [...code.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]).filter((n) => !assigned.has(n)),
    );
    expect([...read]).toEqual(['VNC_PORT']);
  });

  it('starts Xvnc with VncAuth from the rfbauth file, reachable from outside the pod', () => {
    const xvnc = entrypointText.slice(
      entrypointText.indexOf('\nXvnc '),
      entrypointText.indexOf('xvnc_pid=$!'),
    );
    for (const arg of [
      '-rfbport "$PORT"',
      '-rfbauth "$RFBAUTH"',
      '-SecurityTypes VncAuth',
      '-geometry 1280x800',
      '-depth 24',
      '-AlwaysShared',
      '-localhost no',
    ]) {
      expect(xvnc).toContain(arg);
    }
    expect(entrypointText).toMatch(/^PORT=\$\{VNC_PORT:-5900\}$/m);
    expect(entrypointText.trimEnd().endsWith('exec "$@"')).toBe(true);
  });

  // Each of these fails before the script touches anything, so they are safe to run here.
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync('sh', [ENTRYPOINT, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      timeout: 10_000,
    });

  it.skipIf(existsSync(PASSWORD_PATH))('says which file is missing when the Secret is not mounted', () => {
    const result = run(['true']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`the VNC password file ${PASSWORD_PATH} is missing`);
  });

  it('refuses to start without an app or with a bad VNC_PORT', () => {
    const noApp = run([]);
    expect(noApp.status).toBe(1);
    expect(noApp.stderr).toContain('no app to start');
    const badPort = run(['true'], { VNC_PORT: '59x0' });
    expect(badPort.status).toBe(1);
    expect(badPort.stderr).toContain("VNC_PORT must be a TCP port number, not '59x0'");
  });
});

describe.each(
  (['agent', 'control-plane'] as const).map(
    (role) => [role, role === 'agent' ? 'agent' : 'backend'] as const,
  ),
)('the %s image', (role, entry) => {
  const image = () => byRole(role)[0] as ImageEntry;

  it(`builds from the repository and runs out/server/${entry}.js as UID 1000`, () => {
    expect(image().context).toBe('.');
    const list = instructions(image());
    expect(argsOf(list, 'FROM')[0]).toBe('node:20-bookworm-slim AS build');
    const run = argsOf(list, 'RUN');
    expect(run).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund');
    expect(run).toContain('npm run build:server');
    expect(execForm(argsOf(list, 'ENTRYPOINT').at(-1))).toEqual([
      'node',
      '--enable-source-maps',
      `out/server/${entry}.js`,
    ]);
  });

  it('names an entry point scripts/build-server.mjs builds', () => {
    const script = readFileSync(join(ROOT, 'scripts', 'build-server.mjs'), 'utf8');
    const block = /entryPoints:\s*\{([^}]*)\}/.exec(script)?.[1] ?? '';
    const names = [...block.matchAll(/(\w+):\s*'[^']+'/g)].map((m) => m[1]);
    expect(names).toContain(entry);
  });

  it('keeps node_modules and build output out of its build context', () => {
    const ignore = readFileSync(join(ROOT, `${image().dockerfile}.dockerignore`), 'utf8').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', 'out', '.git']));
  });
});
