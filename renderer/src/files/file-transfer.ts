import {
  ApiError,
  apiErrorFrom,
  apiPath,
  type DesktopBridge,
  FileEntry,
  joinUrl,
  routes,
} from '../../../protocol';

/**
 * Uploads with the bearer token, outside the typed client: only XHR reports how much of a request
 * body has gone out, and an upload needs its progress.
 *
 * Downloads go through the typed client (`downloadFile`, a bytes route) and are handed to the
 * browser as a blob. A signed short-lived URL would let the browser stream a download to disk
 * itself, but it is a second kind of credential, and one that sits in URLs (history, logs,
 * Referer); the bearer token never leaves its header. The cost is that the browser holds a download
 * in memory until it is saved, which the Downloads folder's documents and images can afford; the
 * backend and the agent stream either way.
 */
export type FilesAuth = Pick<DesktopBridge, 'getServer' | 'getAccessToken' | 'refreshAccessToken'>;

async function fileUrl(auth: FilesAuth, session: string, path: string): Promise<string> {
  const { baseUrl } = await auth.getServer();
  return joinUrl(baseUrl, apiPath(routes.uploadFile, { name: session, path }));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

interface XhrResult {
  status: number;
  body: unknown;
}

function putOnce(
  url: string,
  token: string | null,
  file: Blob,
  onProgress: (loaded: number) => void,
  signal?: AbortSignal,
): Promise<XhrResult> {
  return new Promise((resolve, reject) => {
    // XHR, not fetch: only XHR reports how much of a request body has gone out.
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => resolve({ status: xhr.status, body: parseJson(xhr.responseText) });
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload could not reach the server.'));
    xhr.onabort = () => reject(new ApiError(0, 'network', 'The upload was cancelled.'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    // A File is sent from disk as it goes; it is never read into memory here.
    xhr.send(file);
  });
}

/** PUTs `file` to the session's `path`, retrying once with a fresh token after a 401. */
export async function uploadFile(
  auth: FilesAuth,
  session: string,
  path: string,
  file: Blob,
  onProgress: (loaded: number) => void,
  signal?: AbortSignal,
): Promise<FileEntry> {
  const url = await fileUrl(auth, session, path);
  let result = await putOnce(url, await auth.getAccessToken(), file, onProgress, signal);
  if (result.status === 401) {
    const fresh = await auth.refreshAccessToken();
    if (fresh) result = await putOnce(url, fresh, file, onProgress, signal);
  }
  if (result.status !== 201) throw apiErrorFrom(result.status, result.body);
  const entry = FileEntry.safeParse(result.body);
  if (!entry.success) throw new ApiError(result.status, 'invalid_response', 'Unexpected answer to an upload');
  return entry.data;
}

/** Saves a blob under `name` through the browser's own download. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked once the browser has taken it; a click starts the download synchronously enough.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
