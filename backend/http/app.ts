import express, { type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import { API_PREFIX } from '../../protocol';
import type { TrustedProxies } from '../config';
import { errorHandler, notFoundHandler } from './error-handler';
import { HttpError } from './errors';
import { type HostPolicy, hostCheck } from './host-check';
import { staticAssets } from './static-assets';

export interface AppOptions {
  routers: Router[];
  allowedOrigins: readonly string[];
  /** 0 trusts no proxy: `req.ip` is the TCP peer and X-Forwarded-For is ignored. */
  trustedProxies: TrustedProxies;
  hosts: HostPolicy;
  /** The built renderer, served at / in headless mode. */
  rendererDir: string | undefined;
  logger: Logger;
}

/** Lets the Electron renderer (app://streamspace) call a local or remote control plane. */
function cors(allowed: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && allowed.includes(origin)) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
    }
    next();
  };
}

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
  next();
};

/** Anything but an absent or empty body counts: a chunked empty body is still a body. */
function hasBody(req: express.Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length'] ?? '0');
  return length !== 0;
}

/**
 * A web page may POST text/plain or a form to 127.0.0.1 without a CORS preflight, and a lenient
 * parser would read it as JSON. Demanding application/json makes the browser ask first, and cors()
 * answers foreign origins with nothing.
 */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (!hasBody(req) || req.is('application/json')) return next();
  // A file upload's raw bytes: a PUT is never a simple request, so the browser asks first here too.
  if (req.method === 'PUT' && req.is('application/octet-stream')) return next();
  next(new HttpError(415, 'unsupported_media_type', 'request bodies must be application/json'));
};

/** One line per request; the path only, since a query string is where a careless client puts secrets. */
function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const entry = {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
      };
      if (res.statusCode >= 500) logger.warn(entry, 'request failed');
      else logger.debug(entry, 'request');
    });
    next();
  };
}

/**
 * The renderer's policy, as a header: frame-ancestors only works there, and a header also covers
 * a page whose meta tag was tampered with.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function createHttpApp(options: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustedProxies === 0 ? false : options.trustedProxies);
  // Express 5 would otherwise parse `?a[b]=c` into objects; flat strings are all any route takes.
  app.set('query parser', 'simple');
  app.use(securityHeaders);
  app.use(hostCheck(options.hosts));
  if (options.logger.isLevelEnabled('debug')) app.use(accessLog(options.logger));
  app.use('/api', cors(options.allowedOrigins));
  app.use(requireJsonBody);
  app.use('/api', express.json({ limit: '1mb', strict: true, type: 'application/json' }));
  for (const router of options.routers) app.use(API_PREFIX, router);
  app.use('/api', notFoundHandler);
  if (options.rendererDir) {
    app.use((_req, res, next) => {
      res.set('Content-Security-Policy', RENDERER_CSP);
      next();
    });
    app.use(staticAssets(options.rendererDir));
  }
  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  return app;
}
