import { z } from 'zod';
import { SessionName } from './names';

/** The most bytes one thumbnail may take, as the API promises. */
export const THUMBNAIL_MAX_BYTES = 64 * 1024;
/** The oldest a thumbnail may be when it is answered. */
export const THUMBNAIL_MAX_AGE_MS = 5_000;
/** How wide the agent draws a thumbnail; the height follows the screen's aspect. */
export const THUMBNAIL_WIDTH = 320;

export const ThumbnailMime = z.enum(['image/jpeg', 'image/png']);
export type ThumbnailMime = z.infer<typeof ThumbnailMime>;

const Id = z.string().min(1).max(100);
/** Base64 of THUMBNAIL_MAX_BYTES: an agent cannot send more than the API may answer. */
const MAX_BASE64_CHARS = Math.ceil(THUMBNAIL_MAX_BYTES / 3) * 4;

/**
 * Backend → agent: take one picture of a session's screen. The password comes along because the
 * backend is where it is kept; an agent that adopted a session after a restart holds it only in
 * the obfuscated form Xvnc reads.
 */
export const BackendThumbnailRequest = z.strictObject({
  type: z.literal('thumbnail_request'),
  requestId: Id,
  session: SessionName,
  vncPassword: z.string().min(6).max(8),
  width: z.number().int().min(16).max(1920),
  maxBytes: z.number().int().min(1024).max(THUMBNAIL_MAX_BYTES),
});
export type BackendThumbnailRequest = z.infer<typeof BackendThumbnailRequest>;

const ThumbnailTaken = z.strictObject({
  type: z.literal('thumbnail'),
  requestId: Id,
  ok: z.literal(true),
  mime: ThumbnailMime,
  /** The encoded image, base64: the control channel takes JSON text frames. */
  data: z.base64().max(MAX_BASE64_CHARS),
  width: z.number().int().min(1).max(4096),
  height: z.number().int().min(1).max(4096),
});
const ThumbnailRefused = z.strictObject({
  type: z.literal('thumbnail'),
  requestId: Id,
  ok: z.literal(false),
  message: z.string().max(2000),
});

/** Agent → backend: the picture, or why there is none. */
export const AgentThumbnail = z.discriminatedUnion('ok', [ThumbnailTaken, ThumbnailRefused]);
export type AgentThumbnail = z.infer<typeof AgentThumbnail>;

/** The thumbnail route answers an image; this only says so in the route table. */
export const ThumbnailImage = z.instanceof(Uint8Array);
