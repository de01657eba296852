import { type ApiClient, ApiError } from '../../../protocol';

/** How often a row on screen asks again; the server keeps each picture about this long anyway. */
export const THUMBNAIL_REFRESH_MS = 5_000;

export type ThumbnailFetch =
  | { kind: 'image'; blob: Blob }
  /** The session is not running (or gone): nothing to show, nothing wrong. */
  | { kind: 'none' }
  | { kind: 'error'; message: string };

/**
 * GETs a session's thumbnail through the typed client, so it carries the bearer token (which an
 * <img> could not send) and gets the client's one refresh on a 401. The bytes come back as a blob
 * for an object URL.
 */
export async function fetchThumbnail(
  api: Pick<ApiClient, 'sessionThumbnail'>,
  name: string,
): Promise<ThumbnailFetch> {
  try {
    const bytes = await api.sessionThumbnail({ params: { name } });
    return { kind: 'image', blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) };
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 409)) return { kind: 'none' };
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}
