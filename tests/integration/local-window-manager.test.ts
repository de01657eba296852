import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionPaths } from '../../agent/runtimes/local/layout';
import { readStateFile } from '../../agent/runtimes/local/state-file';
import type { ApiClient } from '../../protocol';
import { eventually } from '../support/eventually';
import { type InProcessStack, startInProcessStack } from '../support/in-process-stack';
import { endSessions, sessionReaches } from '../support/session-api';

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
  let local: InProcessStack;
  let admin: ApiClient;
  const launched: string[] = [];

  beforeAll(async () => {
    local = await startInProcessStack({ prefix: 'ss-wm-', password: PASSWORD, maxSessions: 2 });
    admin = local.admin;
  });

  afterAll(async () => {
    await endSessions(admin, launched);
    await local?.close();
  });

  it('resizes xterm with the display, smaller and larger', { timeout: 90_000 }, async () => {
    const { name } = await admin.createSession({ body: { template: 'xterm' } });
    launched.push(name);
    await sessionReaches(admin, name, 'running', 30_000, name);
    const paths = sessionPaths(join(local.dataDir, 'local-runtime'), name);
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
