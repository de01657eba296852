import type { Readable, Writable } from 'node:stream';
import type { FileEntry, FileList, FilesErrorCode } from '../../protocol';

/**
 * Uploads in progress are hidden files with this prefix beside their target, so a rename completes
 * them at once; listings leave them out. The same on every runtime.
 */
export const UPLOAD_TEMP_PREFIX = '.streamspace-upload-';

/** A file opened for download: its bytes, streamed, and what it was when opened. */
export interface FileRead {
  size: number;
  mtime: Date;
  stream: Readable;
}

/**
 * An upload in progress, written under a temporary name beside its target: commit renames it into
 * place, abort deletes it, so no partial file ever carries the final name.
 */
export interface FileWrite {
  stream: Writable;
  /** Ends the stream and renames the file into place. */
  commit(): Promise<FileEntry>;
  /** Destroys the stream and deletes the temporary file; safe to call twice. */
  abort(): Promise<void>;
}

/**
 * A runtime's access to its sessions' home folders. Optional on a runtime: the agent answers
 * 'unsupported' for one that has none. Paths are relative to the session's home and checked by the
 * implementation, which is the side that can see where symlinks lead.
 */
export interface SessionFiles {
  list(session: string, dir: string): Promise<FileList>;
  read(session: string, path: string): Promise<FileRead>;
  write(session: string, path: string): Promise<FileWrite>;
}

export class FilesError extends Error {
  override readonly name = 'FilesError';

  constructor(
    readonly code: FilesErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
