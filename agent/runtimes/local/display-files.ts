import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * An X server killed with SIGKILL leaves its lock file and socket behind. Only ours are removed:
 * the lock file names the pid that holds the display.
 */
export async function removeStaleDisplayFiles(
  display: number,
  xvncPid: number,
  tmpRoot = '/tmp',
): Promise<void> {
  const lockFile = join(tmpRoot, `.X${display}-lock`);
  let owner: number;
  try {
    owner = Number((await readFile(lockFile, 'utf8')).trim());
  } catch {
    return;
  }
  if (owner !== xvncPid) return;
  await rm(lockFile, { force: true });
  await rm(join(tmpRoot, '.X11-unix', `X${display}`), { force: true });
}
