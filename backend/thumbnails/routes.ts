import { routes, THUMBNAIL_MAX_AGE_MS, THUMBNAIL_MAX_BYTES, THUMBNAIL_WIDTH } from '../../protocol';
import type { SessionRow } from '../db/schema';
import { conflict, forbidden, HttpError, noAgent, notFound } from '../http/errors';
import { type routeRegistrar, SENT } from '../http/register';
import { canView } from '../vnc/access';
import { ThumbnailCache } from './thumbnail-cache';
import { type Thumbnail, ThumbnailError, type ThumbnailRequests } from './thumbnail-requests';

export interface ThumbnailRouteDeps {
  /** The session as stored now: its owner, state, agent and VNC password. */
  session(name: string): Promise<SessionRow | null | undefined>;
  /** The same broker the agents' answers are routed to. */
  requests: ThumbnailRequests;
  now?: () => number;
}

function httpError(error: unknown): unknown {
  if (!(error instanceof ThumbnailError)) return error;
  if (error.reason === 'agent_offline') return noAgent(error.message);
  if (error.reason === 'timeout') return new HttpError(503, 'no_agent', error.message);
  return new HttpError(502, 'internal', `no thumbnail: ${error.message}`);
}

/**
 * GET a session's thumbnail: its owner only (anyone else who may not view it is told there is no
 * such session, an admin that it is not theirs to see), a running session only, taken by its
 * agent on demand and served again for up to THUMBNAIL_MAX_AGE_MS.
 */
export function thumbnailRoutes(register: ReturnType<typeof routeRegistrar>, deps: ThumbnailRouteDeps): void {
  const { requests } = deps;
  const cache = new ThumbnailCache<Thumbnail>(THUMBNAIL_MAX_AGE_MS, deps.now);
  register(routes.sessionThumbnail, async ({ user, params, res }) => {
    const row = await deps.session(params.name);
    if (!row || (!canView(user, row) && user.role !== 'admin'))
      throw notFound(`no session named ${params.name}`);
    if (!canView(user, row)) throw forbidden('only the owner of a session may see its screen');
    if (row.state !== 'running') {
      cache.forget(row.name);
      throw conflict(`the session is ${row.state}; only a running session has a thumbnail`);
    }
    const agentId = row.agentId;
    if (!agentId) throw noAgent('the session has no agent');
    const thumbnail = await cache
      .get(row.name, () =>
        requests.request({
          agentId,
          session: row.name,
          vncPassword: row.vncPassword,
          width: THUMBNAIL_WIDTH,
          maxBytes: THUMBNAIL_MAX_BYTES,
        }),
      )
      .catch((error: unknown) => {
        throw httpError(error);
      });
    res
      .status(200)
      .set({
        'Content-Type': thumbnail.mime,
        // The screen can show anything its owner sees: no shared cache may keep it.
        'Cache-Control': 'private, no-store',
        'X-Thumbnail-Width': String(thumbnail.width),
        'X-Thumbnail-Height': String(thumbnail.height),
      })
      .end(thumbnail.bytes);
    return SENT;
  });
}
