import type { Request } from 'express';
import type WebSocket from 'ws';
import { type FilesOp, routes } from '../../protocol';
import type { UserRow } from '../db/schema';
import { conflict, forbidden, HttpError, noAgent } from '../http/errors';
import { type routeRegistrar, SENT } from '../http/register';
import type { SessionService } from '../sessions/service';
import { canView } from '../vnc/access';
import { type TunnelBroker, TunnelError } from '../vnc/tunnels';
import { downloadOver, listOver, tooLarge, uploadOver } from './transfer';

export interface FileRouteDeps {
  sessions: Pick<SessionService, 'owned'>;
  tunnels: Pick<TunnelBroker, 'openWith'>;
  /** STREAMSPACE_MAX_UPLOAD_BYTES. */
  maxUploadBytes: number;
}

/** States whose agent still holds the session's home. */
const ENDED = new Set(['terminated', 'failed']);

/**
 * A session's files, through its agent: the backend never reads or writes the host's disk itself,
 * so a remote agent's sessions and the local stack's are served alike.
 */
export function fileRoutes(register: ReturnType<typeof routeRegistrar>, deps: FileRouteDeps): void {
  /**
   * Owner only, as for the screen: the home holds whatever the owner keeps there. Then a tunnel
   * to the agent for one operation.
   */
  async function tunnelFor(user: UserRow, name: string, op: FilesOp, path: string): Promise<WebSocket> {
    const row = await deps.sessions.owned(user, name);
    if (!canView(user, row)) throw forbidden('only the owner of a session may use its files');
    if (ENDED.has(row.state)) throw conflict(`the session is ${row.state}`);
    if (!row.agentId) throw conflict('the session has no agent yet');
    const agentId = row.agentId;
    try {
      return await deps.tunnels.openWith(agentId, row.name, (tunnelId) => ({
        type: 'files_open',
        tunnelId,
        session: row.name,
        op,
        path,
        maxBytes: deps.maxUploadBytes,
      }));
    } catch (error) {
      if (error instanceof TunnelError) throw noAgent(error.message);
      throw error;
    }
  }

  register(routes.listFiles, async ({ user, params, query }) =>
    listOver(await tunnelFor(user, params.name, 'list', query?.dir ?? '')),
  );

  register(routes.downloadFile, async ({ user, params, res }) => {
    await downloadOver(await tunnelFor(user, params.name, 'read', params.path), params.path, res);
    return SENT;
  });

  register(routes.uploadFile, async ({ user, params, req }) => {
    checkUploadHeaders(req, deps.maxUploadBytes);
    return uploadOver(await tunnelFor(user, params.name, 'write', params.path), req, deps.maxUploadBytes);
  });
}

/** Refused before any agent is asked: a declared length over the limit, or a body that is not raw bytes. */
function checkUploadHeaders(req: Request, maxBytes: number): void {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  // An empty file has no body, and so no type to check.
  if (hasBody && !req.is('application/octet-stream')) {
    throw new HttpError(415, 'unsupported_media_type', 'upload the file as application/octet-stream');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
}
