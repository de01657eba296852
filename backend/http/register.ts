import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { none, type RestRoute, type RouteAuth } from '../../protocol';
import type { UserRow } from '../db/schema';
import { currentUser } from './authenticate';
import { parse } from './validate';

/** A class, not a symbol: a symbol widens in inferred return types, an instance keeps its type. */
class Sent {
  readonly sent = true;
}
/** Returned by a handler that wrote its answer itself (cached bytes, plain text). */
export const SENT = new Sent();

export interface RouteCall<R extends RestRoute> {
  params: z.output<R['params']>;
  query: z.output<R['query']>;
  body: z.output<R['body']>;
  /** The signed-in caller; only on routes whose auth is user or admin. */
  user: R['auth'] extends 'user' | 'admin' ? UserRow : undefined;
  req: Request;
  res: Response;
}

export type RouteHandler<R extends RestRoute> = (
  call: RouteCall<R>,
) => Promise<z.input<R['response']> | Sent> | z.input<R['response']> | Sent;

export interface RegistrarDeps {
  /** Middleware per kind of caller; a route's auth picks the chain it runs behind. */
  guards: Partial<Record<RouteAuth, RequestHandler[]>>;
  /** The user the guards signed in, for user and admin routes. */
  currentUser?: (req: Request) => UserRow;
}

const PART_NAMES = { params: 'path', query: 'query', body: 'request body' } as const;

function parsePart(route: RestRoute, part: keyof typeof PART_NAMES, value: unknown): unknown {
  const schema = route[part];
  if (schema === none) return undefined;
  return parse(schema, value, `${PART_NAMES[part]} of ${route.method} ${route.path}`);
}

const lowerMethod = (route: RestRoute) =>
  route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Registers a route of the protocol's table on `router`: its method and path, its guard, its
 * params, query and body parsed by the table's schemas, and its success status. The handler only
 * says what to answer.
 */
export function routeRegistrar(router: Router, deps: RegistrarDeps) {
  const userOf = deps.currentUser ?? currentUser;
  return function register<R extends RestRoute>(route: R, handler: RouteHandler<R>): void {
    const guards = deps.guards[route.auth] ?? [];
    router[lowerMethod(route)](route.path, ...guards, async (req: Request, res: Response) => {
      const call = {
        params: parsePart(route, 'params', req.params),
        query: parsePart(route, 'query', Object.keys(req.query).length ? req.query : undefined),
        body: parsePart(route, 'body', req.body),
        user: route.auth === 'user' || route.auth === 'admin' ? userOf(req) : undefined,
        req,
        res,
      } as RouteCall<R>;
      const result = await handler(call);
      if (result === SENT || res.headersSent) return;
      if (route.status === 204) res.status(204).end();
      else res.status(route.status).json(result);
    });
  };
}
