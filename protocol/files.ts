import { z } from 'zod';
import { SessionName } from './names';

/**
 * A session's files, as the API and the agent exchange them. Every path is relative to the
 * session's home folder; the agent resolves it on its side, where symlinks can be seen.
 */

/** The folder the dashboard and the viewer browse. */
export const DOWNLOADS_DIR = 'Downloads';
/** What the backend allows an upload by default (STREAMSPACE_MAX_UPLOAD_BYTES). */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
const MAX_PATH_CHARS = 1024;
const MAX_SEGMENT_BYTES = 255;
/** Entries one listing answers at most: a folder of a million files must not fill a frame. */
export const MAX_LIST_ENTRIES = 5_000;

/**
 * Why `path` cannot name something inside a home folder, or null when it can. Lexical only: the
 * agent still refuses symlinks that lead out. '' is the home folder itself.
 */
export function relativePathProblem(path: string): string | null {
  if (path === '') return null;
  if (path.length > MAX_PATH_CHARS) return `a path may have at most ${MAX_PATH_CHARS} characters`;
  if (path.includes('\0')) return 'a path may not contain NUL';
  if (path.includes('\\')) return 'a path may not contain a backslash';
  if (path.startsWith('/')) return 'a path must be relative to the home folder';
  for (const segment of path.split('/')) {
    if (segment === '') return 'a path may not have empty segments';
    if (segment === '.' || segment === '..') return 'a path may not contain . or .. segments';
    if (new TextEncoder().encode(segment).length > MAX_SEGMENT_BYTES)
      return `a file name may have at most ${MAX_SEGMENT_BYTES} bytes`;
  }
  return null;
}

/** A path relative to the home folder that cannot leave it lexically; '' is the home itself. */
export const RelativeFilePath = z.string().superRefine((path, ctx) => {
  const problem = relativePathProblem(path);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const FileType = z.enum(['file', 'directory', 'other']);
export type FileType = z.infer<typeof FileType>;

export const FileEntry = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(MAX_SEGMENT_BYTES * 4),
  size: z.number().int().min(0),
  /** ISO 8601. */
  mtime: z.string(),
  type: FileType,
});
export type FileEntry = z.infer<typeof FileEntry>;

export const FileList = z.strictObject({
  dir: z.string(),
  entries: z.array(FileEntry).max(MAX_LIST_ENTRIES),
  /** More entries were there than one listing answers. */
  truncated: z.boolean(),
});
export type FileList = z.infer<typeof FileList>;

/** `?dir=Downloads`; absent is the home folder. */
export const FileListQuery = z.strictObject({ dir: RelativeFilePath.optional() });
/** The path is one URL segment, its slashes encoded (fillPath encodes each param whole). */
export const FileParams = z.strictObject({
  name: SessionName,
  path: RelativeFilePath.refine((p) => p !== '', 'a file path may not be empty'),
});

// ─── Agent side: a files tunnel ────────────────────────────────────────────────────────────────
//
// Backend → agent on the control socket: files_open. The agent dials the agentTunnel route back
// with the tunnelId, as for a viewer's stream, and the tunnel then carries one operation:
//   list:  agent → {type:'list'}, close 1000.
//   read:  agent → {type:'file'} (text), the bytes (binary frames), close 1000.
//   write: agent → {type:'ready'}; backend → the bytes (binary), then {type:'end'};
//          agent → {type:'written'}, close 1000. A close before 'end' abandons the upload.
// Any step may instead be agent → {type:'error'} and close.

const Id = z.string().min(1).max(100);

export const FilesOp = z.enum(['list', 'read', 'write']);
export type FilesOp = z.infer<typeof FilesOp>;

export const BackendFilesOpen = z.strictObject({
  type: z.literal('files_open'),
  tunnelId: Id,
  session: SessionName,
  op: FilesOp,
  path: RelativeFilePath,
  /** For write: the most bytes the agent may accept. */
  maxBytes: z.number().int().min(0),
});
export type BackendFilesOpen = z.infer<typeof BackendFilesOpen>;

export const FilesErrorCode = z.enum(['invalid_path', 'not_found', 'too_large', 'unsupported', 'failed']);
export type FilesErrorCode = z.infer<typeof FilesErrorCode>;

export const FilesReply = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('list'), list: FileList }),
  z.strictObject({ type: z.literal('file'), size: z.number().int().min(0), mtime: z.string() }),
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('written'), entry: FileEntry }),
  z.strictObject({ type: z.literal('error'), code: FilesErrorCode, message: z.string().max(2000) }),
]);
export type FilesReply = z.infer<typeof FilesReply>;

/** Backend → agent at the end of an upload's bytes, with their count as a check. */
export const FilesUploadEnd = z.strictObject({ type: z.literal('end'), bytes: z.number().int().min(0) });
export type FilesUploadEnd = z.infer<typeof FilesUploadEnd>;
