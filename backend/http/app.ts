import express, { type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import { API_PREFIX } from '../../protocol';
import { errorHandler, notFoundHandler } from './error-handler';

export interface AppOptions {
  routers: Router[];
  allowedOrigins: readonly string[];
  trustProxy: boolean;
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
        'Access-Control-Allow-Methods': 'GET, POST, PATCH, DELETE',
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
  app.set('trust proxy', options.trustProxy);
  // Express 5 would otherwise parse `?a[b]=c` into objects; flat strings are all any route takes.
  app.set('query parser', 'simple');
  app.use(securityHeaders);
  if (options.logger.isLevelEnabled('debug')) app.use(accessLog(options.logger));
  app.use('/api', cors(options.allowedOrigins));
  app.use('/api', express.json({ limit: '1mb', strict: true, type: () => true }));
  for (const router of options.routers) app.use(API_PREFIX, router);
  app.use('/api', notFoundHandler);
  if (options.rendererDir) {
    app.use((_req, res, next) => {
      res.set('Content-Security-Policy', RENDERER_CSP);
      next();
    });
    app.use(express.static(options.rendererDir, { index: 'index.html', maxAge: '1h' }));
  }
  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  return app;
}
