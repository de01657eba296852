import { randomBytes } from 'node:crypto';
import { constants, type Dirent, type Stats } from 'node:fs';
import { lstat, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import {
  DOWNLOADS_DIR,
  type FileEntry,
  type FileList,
  type FileType,
  MAX_LIST_ENTRIES,
} from '../../protocol';
import { isInside, resolveExisting, resolveInHome, resolveWritable } from './safe-path';
import {
  type FileRead,
  FilesError,
  type FileWrite,
  type SessionFiles,
  UPLOAD_TEMP_PREFIX,
} from './session-files';

/** The session's home folder, or null when the runtime does not know the session. */
export type HomeOf = (session: string) => Promise<string | null>;

const READ_CHUNK_BYTES = 64 * 1024;

function typeOf(st: Stats): FileType {
  return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
}

function entryOf(name: string, st: Stats): FileEntry {
  return { name, size: st.isFile() ? st.size : 0, mtime: st.mtime.toISOString(), type: typeOf(st) };
}

function errnoOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error ? String(error.code) : undefined;
}

/** fs errors become FilesErrors with the reason in words; FilesErrors pass through. */
function asFilesError(error: unknown, what: string): FilesError {
  if (error instanceof FilesError) return error;
  const code = errnoOf(error);
  if (code === 'ENOENT') return new FilesError('not_found', `no ${what}`);
  if (code === 'ELOOP') return new FilesError('invalid_path', `${what} is a link`);
  if (code === 'ENOTDIR') return new FilesError('invalid_path', `a part of ${what} is not a folder`);
  if (code === 'EISDIR') return new FilesError('invalid_path', `${what} is a folder`);
  const message = error instanceof Error ? error.message : String(error);
  return new FilesError('failed', `cannot use ${what}: ${message}`, { cause: error });
}

/**
 * SessionFiles over a folder on this host: the local runtime's, where each session's HOME is a
 * plain directory. Every path is checked by resolveInHome; files are opened with O_NOFOLLOW so a
 * link swapped in after the check is refused rather than followed.
 */
export function homeFiles(homeOf: HomeOf): SessionFiles {
  async function home(session: string): Promise<string> {
    const dir = await homeOf(session);
    if (!dir) throw new FilesError('not_found', `no session ${session} on this agent`);
    return dir;
  }

  return {
    async list(session, dir): Promise<FileList> {
      const root = await home(session);
      try {
        // The one folder the UI browses is there from the first look, empty: resolving a name in
        // it makes it.
        if (dir === DOWNLOADS_DIR) await resolveInHome(root, `${DOWNLOADS_DIR}/x`, { createDirs: true });
        const { real } =
          dir === '' ? { real: (await resolveInHome(root, '')).home } : await resolveExisting(root, dir);
        const dirents: Dirent[] = await readdir(real, { withFileTypes: true });
        const visible = dirents
          .filter((d) => !d.name.startsWith(UPLOAD_TEMP_PREFIX))
          .sort((a, b) => a.name.localeCompare(b.name));
        const entries: FileEntry[] = [];
        for (const d of visible.slice(0, MAX_LIST_ENTRIES)) {
          const st = await lstat(join(real, d.name)).catch(() => null);
          if (st) entries.push(entryOf(d.name, st));
        }
        return { dir, entries, truncated: visible.length > MAX_LIST_ENTRIES };
      } catch (error) {
        throw asFilesError(error, dir === '' ? 'home folder' : `folder ${dir}`);
      }
    },

    async read(session, path): Promise<FileRead> {
      const root = await home(session);
      try {
        const { real, home: realHome } = await resolveExisting(root, path);
        if (!isInside(realHome, real))
          throw new FilesError('invalid_path', `${path} leads out of the home folder`);
        const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
        const st = await handle.stat().catch(async (error: unknown) => {
          await handle.close();
          throw error;
        });
        if (!st.isFile()) {
          await handle.close();
          throw new FilesError('invalid_path', `${path} is not a file`);
        }
        return {
          size: st.size,
          mtime: st.mtime,
          stream: handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES }),
        };
      } catch (error) {
        throw asFilesError(error, `file ${path}`);
      }
    },

    async write(session, path): Promise<FileWrite> {
      const root = await home(session);
      let target: Awaited<ReturnType<typeof resolveWritable>>;
      try {
        target = await resolveWritable(root, path);
      } catch (error) {
        throw asFilesError(error, `file ${path}`);
      }
      const temp = join(target.dir, `${UPLOAD_TEMP_PREFIX}${randomBytes(6).toString('hex')}`);
      const handle = await open(
        temp,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o600,
      ).catch((error: unknown) => {
        throw asFilesError(error, `file ${path}`);
      });
      const stream = handle.createWriteStream();
      let settled = false;
      return {
        stream,
        async commit() {
          if (settled) throw new FilesError('failed', 'the upload is already finished');
          settled = true;
          try {
            stream.end();
            await finished(stream);
            await rename(temp, target.full);
            return entryOf(target.name, await stat(target.full));
          } catch (error) {
            await unlink(temp).catch(() => {});
            throw asFilesError(error, `file ${path}`);
          }
        },
        async abort() {
          if (settled) return;
          settled = true;
          stream.destroy();
          await finished(stream).catch(() => {});
          await unlink(temp).catch(() => {});
        },
      };
    },
  };
}
