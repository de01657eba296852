import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthService } from '../auth/service';
import type { UserRow } from '../db/schema';
import { forbidden, unauthorized } from './errors';

const users = new WeakMap<Request, UserRow>();

/** Reads the bearer token; tokens are accepted from the Authorization header only, never a URL. */
export function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer ([A-Za-z0-9._~+/=-]{10,4096})$/.exec(header);
  return m?.[1] ?? null;
}

export function authenticate(auth: AuthService): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = bearer(req.headers.authorization);
    if (!token) throw unauthorized('missing bearer token');
    const user = await auth.authenticate(token);
    if (!user) throw unauthorized('invalid or expired token');
    users.set(req, user);
    next();
  };
}

export function currentUser(req: Request): UserRow {
  const user = users.get(req);
  if (!user) throw unauthorized();
  return user;
}

export const requireAdmin: RequestHandler = (req, _res, next) => {
  if (currentUser(req).role !== 'admin') throw forbidden('admins only');
  next();
};
