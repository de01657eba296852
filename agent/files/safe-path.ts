import type { Stats } from 'node:fs';
import { lstat, mkdir, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { relativePathProblem } from '../../protocol';
import { FilesError } from './session-files';

/** Where a checked path lands: its folder (a real path inside the home) and its last name. */
export interface ResolvedPath {
  /** The real home folder. */
  home: string;
  /** The real folder the last segment lives in; the home itself for a top-level name. */
  dir: string;
  /** The last segment, or null for the home folder itself. */
  name: string | null;
  /** dir joined with name: a real path, except that its last segment may be a symlink. */
  full: string;
}

export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function errnoOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error ? String(error.code) : undefined;
}

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return null;
    throw error;
  }
}

/** A symlink's real target, which must be inside the home. */
async function followInside(home: string, link: string, shown: string): Promise<string> {
  let target: string;
  try {
    target = await realpath(link);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') throw new FilesError('not_found', `${shown} is a broken link`);
    throw error;
  }
  if (!isInside(home, target)) throw new FilesError('invalid_path', `${shown} leads out of the home folder`);
  return target;
}

/**
 * Resolves `rel` under `home`, segment by segment, so that no symlink along the way leads out of
 * it. Folders that do not exist are made (0700) when `createDirs` is set, else not_found. The last
 * segment is not followed: the caller decides (a read follows a link inside, a write replaces it).
 */
export async function resolveInHome(
  home: string,
  rel: string,
  options: { createDirs?: boolean } = {},
): Promise<ResolvedPath> {
  const problem = relativePathProblem(rel);
  if (problem) throw new FilesError('invalid_path', problem);
  let realHome: string;
  try {
    realHome = await realpath(home);
  } catch {
    throw new FilesError('not_found', "the session's home folder does not exist");
  }
  if (rel === '') return { home: realHome, dir: realHome, name: null, full: realHome };
  const segments = rel.split('/');
  const name = segments.pop() as string;
  let dir = realHome;
  let shown = '';
  for (const segment of segments) {
    shown = shown ? `${shown}/${segment}` : segment;
    const next = join(dir, segment);
    const st = await lstatOrNull(next);
    if (!st) {
      if (!options.createDirs) throw new FilesError('not_found', `no folder ${shown}`);
      await mkdir(next, { mode: 0o700 }).catch((error: unknown) => {
        if (errnoOf(error) !== 'EEXIST') throw error;
      });
      // Made by us or by a racer: check what is there now, as for any existing entry.
      const made = await lstat(next);
      if (!made.isDirectory()) throw new FilesError('invalid_path', `${shown} is not a folder`);
      dir = next;
    } else if (st.isSymbolicLink()) {
      dir = await followInside(realHome, next, shown);
    } else if (st.isDirectory()) {
      dir = next;
    } else {
      throw new FilesError('invalid_path', `${shown} is not a folder`);
    }
  }
  return { home: realHome, dir, name, full: join(dir, name) };
}

/** The real path of an existing entry to read: a link is followed only if it stays inside. */
export async function resolveExisting(home: string, rel: string): Promise<{ real: string; home: string }> {
  const resolved = await resolveInHome(home, rel);
  const st = await lstatOrNull(resolved.full);
  if (!st) throw new FilesError('not_found', `no file ${rel}`);
  const real = st.isSymbolicLink() ? await followInside(resolved.home, resolved.full, rel) : resolved.full;
  return { real, home: resolved.home };
}

/**
 * A target to write: its folder made if missing, and refused if it is a folder or a link that
 * leads out (the rename that completes an upload replaces a link inside rather than following it).
 */
export async function resolveWritable(home: string, rel: string): Promise<ResolvedPath & { name: string }> {
  if (rel === '') throw new FilesError('invalid_path', 'a file path may not be empty');
  const resolved = await resolveInHome(home, rel, { createDirs: true });
  const st = await lstatOrNull(resolved.full);
  if (st?.isSymbolicLink()) await followInside(resolved.home, resolved.full, rel);
  else if (st?.isDirectory()) throw new FilesError('invalid_path', `${rel} is a folder`);
  return { ...resolved, name: resolved.name as string };
}
