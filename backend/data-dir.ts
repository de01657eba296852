import type { Dirent } from 'node:fs';
import { chmod, lstat, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

/**
 * The server's umask. The data folder holds the database (password hashes, the JWT signing key,
 * session VNC passwords), and PGlite creates its files 0666, so nothing the process creates may
 * be open to group or others.
 */
export const PRIVATE_UMASK = 0o077;

export interface TightenReport {
  /** Entries whose mode was changed. */
  changed: number;
  /** Entries that could not be changed (owned by another user, say), with the error code. */
  failed: Array<{ path: string; code: string }>;
}

/** Owner bits only; a folder keeps all three so the owner can still walk it. */
function privateMode(mode: number, isDirectory: boolean): number {
  return isDirectory ? 0o700 : mode & 0o700;
}

function errorCode(error: unknown): string {
  return error instanceof Error && 'code' in error ? String(error.code) : 'unknown';
}

/**
 * Creates the data folder if it is missing, then takes every group and other permission off it and
 * everything inside: folders become 0700, files keep only their owner bits (0600 for all the
 * database's). Installs made before the umask was set have world-writable files to fix.
 *
 * Symlinks below the top are neither followed nor changed: what they point at is not ours to
 * tighten. A folder is tightened before it is read, so nobody else can swap an entry for a symlink
 * between our look and our chmod. Windows has ACLs rather than modes, so nothing is done there.
 */
export async function makeDataDirPrivate(dir: string, platform = process.platform): Promise<TightenReport> {
  const report: TightenReport = { changed: 0, failed: [] };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (platform === 'win32') return report;

  const fix = async (path: string, mode: number, isDirectory: boolean): Promise<boolean> => {
    const wanted = privateMode(mode, isDirectory);
    if ((mode & 0o777) === wanted) return true;
    try {
      await chmod(path, wanted);
      report.changed += 1;
      return true;
    } catch (error) {
      const code = errorCode(error);
      // Removed while we walked (a session ending, say): nothing left to protect.
      if (code !== 'ENOENT') report.failed.push({ path, code });
      return false;
    }
  };

  // The top is followed if it is a symlink: that is where the user chose to keep the data.
  const top = await stat(dir);
  if (!(await fix(dir, top.mode, true))) return report;
  const pending = [dir];
  for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'ENOENT') report.failed.push({ path: folder, code });
      continue;
    }
    for (const entry of entries) {
      if (entry.isSymbolicLink()) continue;
      const path = join(folder, entry.name);
      let mode: number;
      let isDirectory: boolean;
      try {
        const info = await lstat(path);
        if (info.isSymbolicLink()) continue;
        mode = info.mode;
        isDirectory = info.isDirectory();
      } catch (error) {
        const code = errorCode(error);
        if (code !== 'ENOENT') report.failed.push({ path, code });
        continue;
      }
      if ((await fix(path, mode, isDirectory)) && isDirectory) pending.push(path);
    }
  }
  return report;
}

/** makeDataDirPrivate, with what it did logged: changes at `level`, failures as warnings. */
export async function makeDataDirPrivateLogged(
  dir: string,
  logger: Logger,
  level: 'info' | 'debug',
): Promise<TightenReport> {
  const report = await makeDataDirPrivate(dir);
  if (report.changed > 0) logger[level]({ dir, changed: report.changed }, 'made the data folder private');
  // Capped: one unreadable folder of another user's could otherwise name thousands of files.
  for (const f of report.failed.slice(0, 10))
    logger.warn({ path: f.path, code: f.code }, 'cannot make this part of the data folder private');
  return report;
}
