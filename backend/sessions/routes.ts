import { routes } from '../../protocol';
import type { SessionRevocations } from '../auth/revocations';
import { bearer } from '../http/authenticate';
import { notFound, unauthorized } from '../http/errors';
import { type routeRegistrar, SENT } from '../http/register';
import type { TemplateCatalog } from '../templates/catalog';
import type { SessionService } from './service';
import { toSessionDto } from './store';

export function sessionRoutes(
  register: ReturnType<typeof routeRegistrar>,
  sessions: SessionService,
  catalog: TemplateCatalog,
  revocations: SessionRevocations,
): void {
  register(routes.listTemplates, ({ query }) => ({
    templates: catalog.list(query ?? {}).map((t) => catalog.toDto(t)),
  }));
  register(routes.getTemplate, ({ params }) => {
    const t = catalog.get(params.name);
    if (!t) throw notFound(`no template named ${params.name}`);
    return catalog.toDto(t);
  });

  register(routes.listSessions, async ({ user, query, req, res }) => {
    const list = await sessions.list(user, query?.all === 'true');
    // Cached bytes and tag: express would otherwise encode and hash every answer (370 KB for 1,000).
    res.set({ 'Content-Type': 'application/json; charset=utf-8', ETag: list.etag, Vary: 'Accept-Encoding' });
    // Browsers, Electron and Node's fetch all ask for gzip; a client that says nothing gets JSON.
    if (req.headers['accept-encoding'] && req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      res.set('Content-Encoding', 'gzip').send(await list.gzipped());
    } else {
      res.send(list.body);
    }
    return SENT;
  });
  register(routes.createSession, ({ user, body }) => sessions.create(user, body));
  register(routes.getSession, async ({ user, params }) =>
    toSessionDto(await sessions.owned(user, params.name)),
  );
  register(routes.terminateSession, ({ user, params }) => sessions.request(user, params.name, 'terminate'));
  register(routes.hibernateSession, ({ user, params }) => sessions.request(user, params.name, 'hibernate'));
  register(routes.wakeSession, ({ user, params }) => sessions.request(user, params.name, 'wake'));
  register(routes.reportActivity, async ({ user, params }) => {
    await sessions.activity(user, params.name);
    return undefined;
  });
  register(routes.viewerTicket, ({ user, params, req }) => {
    // The guard already verified this token; the ticket remembers its sign-in, so the viewer it
    // opens closes when that sign-in ends.
    const token = bearer(req.headers.authorization);
    if (!token) throw unauthorized('missing bearer token');
    return sessions.viewerTicket(user, params.name, revocations.signInOf(token, user.id));
  });
}
