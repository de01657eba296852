import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcContract } from '../protocol';

// No Electron binary can run here, so main/index.ts is bundled with `electron` swapped for
// testing/fake-electron.ts and driven by testing/adapter-smoke.ts: real stack child, real HTTP, real
// keyring (in a throwaway D-Bus session), fake windows and tray.
const onPath = (binary: string) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, binary)));
const missing = ['dbus-run-session', 'gnome-keyring-daemon'].filter((b) => !onPath(b));

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'node_modules', '.cache', 'streamspace-tests', `adapter-smoke-${process.pid}.mjs`);

describe.skipIf(missing.length > 0)(
  `Electron adapter against a fake electron module${missing.length ? ` (skipped: ${missing.join(', ')} not on PATH)` : ''}`,
  () => {
    let home: string;
    let result: Record<string, unknown>;
    let stackEnv: {
      argv: string[];
      env: Record<string, string>;
      channel: string | null;
      config: { adminPassword: string; secret: string } | null;
    };

    beforeAll(async () => {
      await build({
        entryPoints: [join(root, 'main', 'testing', 'adapter-smoke.ts')],
        outfile: bundle,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        alias: { electron: './main/testing/fake-electron.ts' },
        absWorkingDir: root,
        logLevel: 'error',
      });
      home = await mkdtemp(join(tmpdir(), 'ss-adapter-'));
      const appPath = join(home, 'app');
      await mkdir(join(appPath, 'out', 'server'), { recursive: true });
      await mkdir(join(appPath, 'out', 'renderer'), { recursive: true });
      await mkdir(join(home, 'run'), { mode: 0o700 });
      // One self-contained file, as the real serve.js is: the copy runs outside this repository.
      await build({
        entryPoints: [join(root, 'main', 'testing', 'fake-stack-server.ts')],
        outfile: join(appPath, 'out', 'server', 'serve.js'),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        external: ['bufferutil', 'utf-8-validate'],
        absWorkingDir: root,
        logLevel: 'error',
      });
      await writeFile(
        join(appPath, 'out', 'renderer', 'index.html'),
        '<!doctype html><title>StreamSpace</title>',
      );
      await writeFile(join(appPath, 'out', 'secret'), 'outside the renderer');
      // The fake app is packaged, so its tray icons come from resources/ below process.resourcesPath.
      await mkdir(join(appPath, 'resources'));
      await symlink(join(root, 'resources', 'icons'), join(appPath, 'resources', 'icons'));

      const env = {
        PATH: process.env.PATH,
        HOME: home,
        XDG_DATA_HOME: join(home, 'data'),
        XDG_CONFIG_HOME: join(home, 'config'),
        XDG_RUNTIME_DIR: join(home, 'run'),
        FAKE_APP_PATH: appPath,
        FAKE_USER_DATA: join(home, 'userData'),
        STREAMSPACE_LOG_LEVEL: 'silent',
      };
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(
          'dbus-run-session',
          [
            '--',
            'sh',
            '-c',
            'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec node "$0"',
            bundle,
          ],
          { env, timeout: 30_000 },
          (error, out, err) =>
            out.includes('RESULT ') ? resolve(out) : reject(new Error(`${error}\n${out}\n${err}`)),
        );
      });
      result = JSON.parse(stdout.slice(stdout.indexOf('RESULT ') + 7)) as Record<string, unknown>;
      stackEnv = JSON.parse(await readFile(join(home, 'userData', 'userData', 'stack', 'env.json'), 'utf8'));
    }, 60_000);

    afterAll(async () => {
      await rm(bundle, { force: true });
      if (home) await rm(home, { recursive: true, force: true });
    });

    it('gets from start to a filled tray menu', () => {
      expect(result.failure).toBeUndefined();
      expect(result.tooltip).toBe('StreamSpace — Local: connected');
    });

    it('registers the privileged scheme before ready and sandboxes every renderer', () => {
      expect(result.privilegedBeforeReady).toBe(true);
      expect(result.privileged).toEqual([
        expect.objectContaining({
          scheme: 'app',
          privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }),
        }),
      ]);
      expect(result.sandboxEnabled).toBe(true);
    });

    it('forks the stack with the env contract and keeps its admin password in the keychain', () => {
      // No saved settings: the local runtime, named so a stray STREAMSPACE_RUNTIME cannot win.
      expect(stackEnv.argv).toEqual(['--port', expect.stringMatching(/^[1-9]\d*$/), '--runtime', 'local']);
      expect(stackEnv.env).toMatchObject({
        STREAMSPACE_ALLOWED_ORIGINS: 'app://streamspace',
        STREAMSPACE_DATA_DIR: join(home, 'userData', 'userData', 'stack'),
      });
      // A utilityProcess, so no RunAsNode; the secrets came over its parentPort, not the environment.
      expect(stackEnv.channel).toBe('utility-process');
      expect(stackEnv.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
      expect(stackEnv.env.STREAMSPACE_ADMIN_PASSWORD).toBeUndefined();
      expect(stackEnv.config?.adminPassword).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(stackEnv.config?.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(existsSync(join(home, 'data', 'keyrings', 'login.keyring'))).toBe(true);
    });

    it('answers IPC from the renderer and refuses other frames and bad arguments', () => {
      expect(result.ipcChannels).toEqual(Object.keys(ipcContract).sort());
      expect(result.serverGet).toEqual({
        ok: { baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), mode: 'local' },
      });
      expect(result.authGet).toMatchObject({
        ok: { accessToken: expect.any(String), user: { username: 'admin' } },
      });
      expect(JSON.parse((result.untrustedToken as { error: string }).error)).toMatchObject({
        code: 'forbidden',
      });
      expect(JSON.parse((result.badOpen as { error: string }).error)).toMatchObject({
        code: 'invalid_request',
      });
    });

    it("serves the Settings page's calls, opens it from Add Server, and pushes sign-ins to pages", () => {
      expect(result.appSettings).toEqual({
        ok: { terminateSessionsOnQuit: false, closeDashboard: 'keep-running' },
      });
      expect(result.profilesList).toEqual({
        ok: { activeId: 'local', profiles: [{ id: 'local', name: 'Local', mode: 'local' }] },
      });
      expect(result.addServerUrl).toBe('app://streamspace/index.html#/settings');
      expect(result.pushes).toContain('auth:renewed');
    });

    it('opens the dashboard locked down, serves the renderer with a CSP, and nothing outside it', () => {
      expect(result.dashboard).toEqual({
        url: 'app://streamspace/index.html#/',
        webPreferences: {
          contextIsolation: true,
          sandbox: true,
          nodeIntegration: false,
          webSecurity: true,
          allowRunningInsecureContent: false,
          preload: join(home, 'app', 'out', 'preload', 'index.cjs'),
        },
      });
      const page = result.page as { status: number; csp: string; body: string };
      expect(page.status).toBe(200);
      expect(page.body).toContain('<title>StreamSpace</title>');
      expect(page.csp).toContain("default-src 'none'");
      expect(page.csp).toContain("connect-src 'self' http://127.0.0.1:* ws://127.0.0.1:*");
      expect(result.escapeStatus).toBe(404);
      expect(result.headers).toEqual({
        responseHeaders: { 'X-A': ['1'], 'Content-Security-Policy': [page.csp] },
      });
    });

    it('blocks navigation away, sends only allowed or confirmed web links to the browser', () => {
      expect(result.navigationBlocked).toBe(true);
      expect(result.externalOpen).toEqual({ action: 'deny' });
      expect(result.external).toEqual(['https://kubernetes.io/docs/']);
      expect(result.externalDialog).toMatchObject({
        message: 'Open streamspace.io in your browser?',
        buttons: ['Open', 'Cancel'],
        defaultId: 1,
      });
    });

    it('grants the clipboard to the viewer only', () => {
      expect(result.permission).toEqual({
        viewerClipboard: true,
        dashboardClipboard: false,
        viewerMedia: false,
      });
    });

    it('shows the connection in the tray icon, from the real icon files', () => {
      expect(result.trayImage).toBe(
        join(home, 'app', 'resources', 'icons', 'tray', 'linux', 'tray-connected-22.png'),
      );
      expect(existsSync(result.trayImage as string)).toBe(true);
    });

    it('follows deep links and --server from a second instance, asking before a launch or a new server', () => {
      expect(result.links).toEqual({
        newWindows: 0,
        dialogs: [
          { message: 'Launch Firefox?', buttons: ['Launch', 'Cancel'], defaultId: 1 },
          {
            message: 'Add the server ss.example.com and switch to it?',
            buttons: ['Add and switch', 'Cancel'],
            defaultId: 1,
          },
        ],
        sessions: 1,
        tooltip: 'StreamSpace — Local: connected',
      });
    });

    it('launches from the tray into one reusable window per session, and stays alive without windows', () => {
      expect(result.viewerUrl).toMatch(/^app:\/\/streamspace\/index\.html#\/viewer\/admin-firefox-0+1$/);
      expect(result.viewerTitle).toBe('Firefox (running) — StreamSpace');
      expect(result.shell).toEqual({
        terminateQuestion: 'Terminate Firefox?',
        sessionKept: true,
        launchFirst: 'favourite:firefox',
      });
      expect(result.reuse).toEqual({ action: 'deny', newWindows: 0 });
      expect(result.keepsRunningWithoutWindows).toBe(true);
    });

    it('starts at login from the tray through an XDG autostart entry, hidden in the tray', async () => {
      const entry = await readFile(join(home, 'config', 'autostart', 'streamspace.desktop'), 'utf8');
      expect(entry).toMatch(/^Exec=.* --hidden$/m);
    });

    it('stops the stack with SIGTERM on quit', async () => {
      expect(result.quitted).toBe(true);
      expect(await readFile(join(home, 'userData', 'userData', 'stack', 'sigterm'), 'utf8')).toBe('yes');
    });
  },
);
