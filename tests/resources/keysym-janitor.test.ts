import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rfbConnect, unixTransport } from '../../agent/testing/rfb-client';
import { eventually } from '../support/eventually';
import { IMAGES_DIR } from './resource-files';

// The session images' keysym janitor, run here as the image runs it: Xvnc's output piped through
// it, on a real Xvnc with an xterm that writes what it is typed to a file, and a VNC client that
// types more distinct characters than Xvnc has spare keycodes.

const JANITOR = join(IMAGES_DIR, 'base', 'keysym-janitor.sh');
const PASSWORD = 'janitor1';

describe('keysym-janitor.sh under a real Xvnc', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ss-janitor-'));
  // A free display of its own: the janitor needs DISPLAY before Xvnc starts, so -displayfd cannot pick it.
  const taken = (n: number) => existsSync(`/tmp/.X${n}-lock`) || existsSync(`/tmp/.X11-unix/X${n}`);
  let display = 400 + Math.floor(Math.random() * 400);
  while (taken(display)) display++;
  const env = { ...process.env, DISPLAY: `:${display}`, LANG: 'C.UTF-8' };
  const children: ChildProcess[] = [];
  let passedOn = '';

  beforeAll(async () => {
    writeFileSync(join(dir, 'passwd'), execFileSync('vncpasswd', ['-f'], { input: PASSWORD }), {
      mode: 0o600,
    });
    // As in session-entrypoint.sh: Xvnc's output goes through the janitor.
    const janitor = spawn('sh', [JANITOR], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    janitor.stdout?.on('data', (chunk: Buffer) => {
      passedOn += chunk.toString('utf8');
    });
    const xvnc = spawn(
      'Xvnc',
      [
        `:${display}`,
        '-rfbport',
        '-1',
        '-rfbunixpath',
        join(dir, 'vnc.sock'),
        '-rfbauth',
        join(dir, 'passwd'),
      ],
      { env, stdio: ['ignore', janitor.stdin, janitor.stdin] },
    );
    children.push(xvnc, janitor);
    await eventually(async () => existsSync(join(dir, 'vnc.sock')), 10_000, 'Xvnc to listen');
    const xterm = spawn('xterm', ['-u8', '-e', 'sh', '-c', `cat > ${join(dir, 'typed')}`], {
      env,
      stdio: 'ignore',
    });
    children.push(xterm);
    // Found is not yet mapped: focusing a window before it shows fails (BadMatch), so both retry.
    await eventually(
      async () => {
        try {
          const window = execFileSync('xdotool', ['search', '--onlyvisible', '--class', 'xterm'], {
            env,
            encoding: 'utf8',
          }).trim();
          execFileSync('xdotool', ['windowfocus', window.split('\n')[0] ?? ''], { env, stdio: 'ignore' });
          return true;
        } catch {
          return null;
        }
      },
      10_000,
      'the xterm window to show and take the focus',
    );
  }, 30_000);

  afterAll(() => {
    for (const child of children.reverse()) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('frees the keycodes Xvnc binds, so 60 distinct characters all arrive, and passes the log on', async () => {
    const t = await unixTransport(join(dir, 'vnc.sock'));
    const session = await rfbConnect(t, PASSWORD);
    const key = (keysym: number, down: boolean) => {
      const m = Buffer.alloc(8);
      m.writeUInt8(4, 0);
      m.writeUInt8(down ? 1 : 0, 1);
      m.writeUInt32BE(keysym, 4);
      t.send(m);
    };
    const chars = Array.from({ length: 60 }, (_, i) => String.fromCodePoint(0x4e00 + i));
    // A plain letter first: an xterm reads its keymap with the first key, and a key bound in the
    // same instant would be lost to that, with or without the janitor.
    for (const char of ['a', ...chars, '\n']) {
      const keysym = char === '\n' ? 0xff0d : char === 'a' ? 0x61 : 0x01000000 + (char.codePointAt(0) ?? 0);
      key(keysym, true);
      key(keysym, false);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await eventually(
      async () => readFileSync(join(dir, 'typed'), 'utf8').includes('\n'),
      10_000,
      'the line typed',
    );
    session.close();
    expect(readFileSync(join(dir, 'typed'), 'utf8')).toBe(`a${chars.join('')}\n`);
    expect(passedOn).toMatch(/Added unknown keysym 0x1004e00 to keycode \d+/);
    expect(passedOn).not.toMatch(/Failure adding new keysym/);
  }, 60_000);
});
