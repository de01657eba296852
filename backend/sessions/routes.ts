import { type Request, Router } from 'express';
import {
  CreateSessionRequest,
  SessionListQuery,
  SessionName,
  TemplateName,
  TemplateQuery,
} from '../../protocol';
import type { AuthService } from '../auth/service';
import { authenticate, currentUser } from '../http/authenticate';
import { notFound } from '../http/errors';
import { parse } from '../http/validate';
import { type TemplateCatalog, toTemplateDto } from '../templates/catalog';
import type { SessionService } from './service';
import { toSessionDto } from './store';

const nameParam = (req: Request) => parse(SessionName, req.params.name, 'session name');

export function sessionRoutes(auth: AuthService, sessions: SessionService, catalog: TemplateCatalog): Router {
  const r = Router();
  r.use(['/templates', '/sessions'], authenticate(auth));

  r.get('/templates', (req, res) => {
    const q = parse(TemplateQuery, req.query, 'query');
    res.json({ templates: catalog.list(q).map(toTemplateDto) });
  });
  r.get('/templates/:name', (req, res) => {
    const name = parse(TemplateName, req.params.name, 'template name');
    const t = catalog.get(name);
    if (!t) throw notFound(`no template named ${name}`);
    res.json(toTemplateDto(t));
  });

  r.get('/sessions', async (req, res) => {
    const q = parse(SessionListQuery, req.query, 'query');
    const list = await sessions.list(currentUser(req), q.all === 'true');
    // Cached bytes and tag: express would otherwise encode and hash every answer (370 KB for 1,000).
    res.set({ 'Content-Type': 'application/json; charset=utf-8', ETag: list.etag }).send(list.body);
  });
  r.post('/sessions', async (req, res) => {
    const body = parse(CreateSessionRequest, req.body, 'session request');
    res.status(202).json(await sessions.create(currentUser(req), body));
  });
  r.get('/sessions/:name', async (req, res) => {
    res.json(toSessionDto(await sessions.owned(currentUser(req), nameParam(req))));
  });
  r.delete('/sessions/:name', async (req, res) => {
    res.status(202).json(await sessions.request(currentUser(req), nameParam(req), 'delete'));
  });
  r.post('/sessions/:name/hibernate', async (req, res) => {
    res.status(202).json(await sessions.request(currentUser(req), nameParam(req), 'hibernate'));
  });
  r.post('/sessions/:name/wake', async (req, res) => {
    res.status(202).json(await sessions.request(currentUser(req), nameParam(req), 'wake'));
  });
  r.post('/sessions/:name/viewer-ticket', async (req, res) => {
    res.json(await sessions.viewerTicket(currentUser(req), nameParam(req)));
  });
  return r;
}
