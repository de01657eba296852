import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionPaths } from '../../agent/runtimes/local/layout';
import { readStateFile } from '../../agent/runtimes/local/state-file';
import { configFromEnv } from '../../backend/config';
import { createLogger } from '../../backend/logger';
import { appPaths, findAppRoot } from '../../backend/paths';
import { type ApiClient, createApiClient } from '../../protocol';
import { type LocalStack, startLocalStack } from '../../stack/local-stack';
import { eventually } from '../support/eventually';
import { xvncFor } from '../support/processes';

const run = promisify(execFile);
const PASSWORD = 'wm-admin-password';

interface Size {
  width: number;
  height: number;
}

/**
 * The local stack in this process with the real local runtime: a single-app session runs a window
 * manager that keeps the app's window the size of the display, before and after it resizes.
 */
describe('single-app sessions keep their app maximised (real stack, real Xvnc)', () => {
  let dataDir: string;
  let stack: LocalStack;
  let admin: ApiClient;
  const launched: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ss-wm-'));
    const config = configFromEnv(
      { STREAMSPACE_DATA_DIR: dataDir, STREAMSPACE_ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'silent' },
      appPaths(findAppRoot(fileURLToPath(new URL('.', import.meta.url)))),
    );
    stack = await startLocalStack(config, createLogger('silent'), {
      port: 0,
      host: '127.0.0.1',
      runtime: { name: 'local' },
      maxSessions: 2,
    });
    const { accessToken } = await createApiClient({ baseUrl: stack.url }).login({
      body: { username: 'admin', password: PASSWORD },
    });
    admin = createApiClient({ baseUrl: stack.url, token: () => accessToken });
  });

  afterAll(async () => {
    for (const name of launched) {
      await admin?.terminateSession({ params: { name } }).catch(() => {});
      await eventually(async () => xvncFor(name).length === 0, 10_000, `Xvnc of ${name} to exit`).catch(
        () => {
          for (const pid of xvncFor(name)) process.kill(pid, 'SIGKILL');
        },
      );
    }
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('resizes xterm with the display, smaller and larger', { timeout: 90_000 }, async () => {
    const { name } = await admin.createSession({ body: { template: 'xterm' } });
    launched.push(name);
    await eventually(
      async () => (await admin.getSession({ params: { name } })).state === 'running',
      30_000,
      name,
    );
    const paths = sessionPaths(join(dataDir, 'local-runtime'), name);
    const read = await readStateFile(paths.stateFile);
    if (!read.ok) throw new Error(read.message);
    const x = (command: string, args: string[]) =>
      run(command, ['-display', `:${read.data.display}`, ...args], {
        env: { PATH: process.env.PATH, XAUTHORITY: paths.xauthorityFile },
      });
    const root = async (): Promise<Size> => {
      const { stdout } = await x('xwininfo', ['-root']);
      return {
        width: Number(/Width: (\d+)/.exec(stdout)?.[1]),
        height: Number(/Height: (\d+)/.exec(stdout)?.[1]),
      };
    };
    /** The xterm's own window (the WM's frame is its parent), as the X server has it now. */
    const xterm = async (): Promise<Size | null> => {
      const { stdout } = await x('xwininfo', ['-root', '-tree']);
      const line = stdout.split('\n').find((l) => l.includes('("xterm" "XTerm")'));
      const size = line && /\s(\d+)x(\d+)[+-]/.exec(line);
      return size ? { width: Number(size[1]), height: Number(size[2]) } : null;
    };
    const fills = async (want: Size) =>
      eventually(
        async () => {
          const got = await xterm();
          return got?.width === want.width && got.height === want.height ? got : null;
        },
        15_000,
        `xterm at ${want.width}x${want.height}`,
      );

    // Without a window manager xterm stays at its 120 columns (1205 px), whatever the display.
    expect(await root()).toEqual({ width: 1280, height: 800 });
    await fills({ width: 1280, height: 800 });
    for (const mode of ['1024x768', '1920x1080']) {
      await x('xrandr', ['-s', mode]);
      const [width, height] = mode.split('x').map(Number) as [number, number];
      expect(await root()).toEqual({ width, height });
      await fills({ width, height });
    }
  });
});
