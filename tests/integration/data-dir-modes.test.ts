import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchRunning, type SignedIn, signIn, terminate } from '../../bench/lib/api';
import { eventually } from '../support/eventually';
import { xvncFor } from '../support/processes';
import { type StackProcess, startStackProcess } from '../support/stack-process';

/** Every entry below `dir` (and `dir` itself) with its permission bits, symlinks included. */
function modes(dir: string): Array<{ path: string; mode: number; kind: string }> {
  const found: Array<{ path: string; mode: number; kind: string }> = [];
  const visit = (path: string) => {
    const info = lstatSync(path);
    const kind = info.isSymbolicLink() ? 'symlink' : info.isDirectory() ? 'dir' : 'file';
    found.push({ path: path.slice(dir.length) || '/', mode: info.mode & 0o7777, kind });
    if (kind === 'dir') for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return found;
}

/** What group or others could touch: should be nothing. */
function exposed(dir: string): string[] {
  return modes(dir)
    .filter((e) => e.kind !== 'symlink' && (e.mode & 0o077) !== 0)
    .map((e) => `${e.path} ${e.mode.toString(8)}`);
}

function umaskOf(pid: number | undefined): string | undefined {
  return /^Umask:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
}

/** Makes every folder 0777 and file 0666, the way installs before the fix left them. */
function loosen(dir: string): void {
  for (const e of modes(dir)) {
    if (e.kind === 'symlink') continue;
    chmodSync(join(dir, e.path), e.kind === 'dir' ? 0o777 : 0o666);
  }
}

describe('the data folder of the real stack', () => {
  let parent: string;
  let dataDir: string;
  let stack: StackProcess | undefined;
  let admin: SignedIn | undefined;
  const sessions: string[] = [];

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'ss-modes-'));
    // A parent anyone may read, like a home folder or /var/lib: the data folder must not inherit it.
    chmodSync(parent, 0o755);
    dataDir = join(parent, 'data');
  });
  afterAll(async () => {
    // Sessions outlive the stack, so they are ended through it, then by pid if that failed.
    for (const name of sessions) {
      if (admin) await terminate(admin.api, name).catch(() => {});
      for (const pid of xvncFor(name)) process.kill(pid, 'SIGKILL');
    }
    await stack?.stop();
    await rm(parent, { recursive: true, force: true });
  });

  it('is private from the first start, through a session, and after an old install is reopened', {
    timeout: 180_000,
  }, async () => {
    // No admin password given: the stack makes one up, and stdout is a pipe, not a terminal.
    stack = await startStackProcess({}, { dataDir });
    expect(umaskOf(stack.child.pid)).toBe('0077');
    const passwordFile = join(dataDir, 'admin-password.txt');
    const password = readFileSync(passwordFile, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(lstatSync(passwordFile).mode & 0o777).toBe(0o600);
    expect(stack.output()).toContain(passwordFile);
    expect(stack.output()).not.toContain(password);

    expect(lstatSync(dataDir).mode & 0o777).toBe(0o700);
    expect(modes(dataDir).some((e) => e.path.startsWith('/pglite/'))).toBe(true);
    expect(exposed(dataDir)).toEqual([]);
    expect(lstatSync(parent).mode & 0o777).toBe(0o755);

    admin = await signIn(stack.url, 'admin', password);
    const session = await launchRunning(admin.api, 'xterm');
    sessions.push(session.name);
    expect(xvncFor(session.name)).toHaveLength(1);
    expect(modes(dataDir).some((e) => e.path.startsWith('/local-runtime/'))).toBe(true);
    expect(exposed(dataDir)).toEqual([]);

    await terminate(admin.api, session.name);
    await eventually(async () => xvncFor(session.name).length === 0, 20_000, 'Xvnc to exit');
    expect(exposed(dataDir)).toEqual([]);
    await stack.stop();

    // Reopened after an install that predates the fix, with a stray folder and file of its own.
    mkdirSync(join(dataDir, 'old-folder'));
    writeFileSync(join(dataDir, 'old-folder', 'notes'), 'x');
    loosen(dataDir);
    expect(exposed(dataDir).length).toBeGreaterThan(100);
    stack = await startStackProcess({}, { dataDir });
    expect(exposed(dataDir)).toEqual([]);
    // The admin existed already: no new password, and the one in the file still signs in.
    expect(stack.output()).not.toContain('Created user admin');
    admin = await signIn(stack.url, 'admin', password);
    expect((await admin.api.me()).username).toBe('admin');
  });
});
