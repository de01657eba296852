/**
 * Uploads in progress, as a pure reducer: the viewer's drop zone and the files panel both show
 * this list, so a file dropped on the screen shows its progress in the panel too.
 */

export type UploadStatus = 'uploading' | 'done' | 'failed';

export interface UploadItem {
  id: string;
  session: string;
  /** Where it goes, relative to the session's home folder. */
  path: string;
  loaded: number;
  total: number;
  status: UploadStatus;
  error?: string;
}

export type UploadAction =
  | { type: 'start'; id: string; session: string; path: string; total: number }
  | { type: 'progress'; id: string; loaded: number }
  | { type: 'done'; id: string }
  | { type: 'failed'; id: string; error: string }
  | { type: 'dismiss'; id: string };

/** Finished items kept for the user to see, newest first; older ones drop off. */
export const KEPT_FINISHED = 5;

export function uploadsReducer(items: readonly UploadItem[], action: UploadAction): UploadItem[] {
  switch (action.type) {
    case 'start':
      return [
        {
          id: action.id,
          session: action.session,
          path: action.path,
          loaded: 0,
          total: action.total,
          status: 'uploading' as const,
        },
        ...items.filter((i) => i.id !== action.id),
      ].filter((item, index, all) => item.status === 'uploading' || finishedRank(all, index) < KEPT_FINISHED);
    case 'progress':
      return items.map((i) =>
        i.id === action.id && i.status === 'uploading'
          ? { ...i, loaded: Math.min(Math.max(i.loaded, action.loaded), i.total) }
          : i,
      );
    case 'done':
      return items.map((i) => (i.id === action.id ? { ...i, loaded: i.total, status: 'done' } : i));
    case 'failed':
      return items.map((i) => (i.id === action.id ? { ...i, status: 'failed', error: action.error } : i));
    case 'dismiss':
      return items.filter((i) => i.id !== action.id);
  }
}

/** How many finished items come before `index`. */
function finishedRank(items: readonly UploadItem[], index: number): number {
  let rank = 0;
  for (let i = 0; i < index; i++) if (items[i]?.status !== 'uploading') rank++;
  return rank;
}

/** Whole percent, never 100 before the server has said the file is in place. */
export function percentOf(item: UploadItem): number {
  if (item.status === 'done') return 100;
  if (item.total === 0) return 0;
  return Math.min(99, Math.floor((item.loaded / item.total) * 100));
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function progressLabel(item: UploadItem): string {
  const name = item.path.slice(item.path.lastIndexOf('/') + 1);
  if (item.status === 'done') return `${name}: uploaded (${formatBytes(item.total)})`;
  if (item.status === 'failed') return `${name}: failed — ${item.error ?? 'unknown error'}`;
  return `${name}: ${percentOf(item)}% of ${formatBytes(item.total)}`;
}

/**
 * The home-relative path a picked or dropped file goes to: its own name in `dir`. Null for a name
 * the server would refuse (empty, '.', '..'); a browser gives bare names, but a drop can carry
 * anything.
 */
export function uploadPathFor(fileName: string, dir = ''): string | null {
  const name = fileName.split(/[/\\]/).pop() ?? '';
  if (name === '' || name === '.' || name === '..' || name.includes('\0')) return null;
  return dir ? `${dir}/${name}` : name;
}
