import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ApiErrorBody } from '../../protocol';
import { HttpError } from './errors';

interface BodyParserError {
  type?: string;
  status?: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return typeof err === 'object' && err !== null && 'type' in err && 'status' in err;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let status = 500;
    let body: ApiErrorBody = { error: { code: 'internal', message: 'internal error' } };
    if (err instanceof HttpError) {
      status = err.status;
      body = { error: { code: err.code, message: err.message, details: err.details } };
      if (err.headers) res.set(err.headers);
      if (err.cause !== undefined)
        logger.error({ err: err.cause, method: req.method, path: req.path }, err.message);
    } else if (isBodyParserError(err) && err.type === 'entity.parse.failed') {
      status = 400;
      body = { error: { code: 'invalid_request', message: 'request body is not valid JSON' } };
    } else if (isBodyParserError(err) && err.type === 'entity.too.large') {
      status = 413;
      body = { error: { code: 'payload_too_large', message: 'request body is larger than 1 MiB' } };
    } else if (isBodyParserError(err) && typeof err.status === 'number' && err.status < 500) {
      status = err.status;
      body = { error: { code: 'invalid_request', message: 'malformed request' } };
    } else {
      logger.error({ err, method: req.method, path: req.path }, 'request failed');
    }
    if (res.headersSent) return;
    res.status(status).json(body);
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `no route ${req.method} ${req.path}` } });
};
