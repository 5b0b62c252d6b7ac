import type { ErrorRequestHandler, RequestHandler } from 'express';
import { RackbootError, type ErrorCode } from '../errors.js';
import type { Logger } from '../log.js';

/** The one table from error code to HTTP status. Anything not listed is a 500. */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  validation: 422,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  decode: 400,
  config: 400,
  schema: 500,
  io: 500,
};

/** An error that only exists at the HTTP layer (bad JSON, body too large, not implemented). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
}

/** Status and body for anything thrown by a route. Unknown errors hide their message. */
export function describeError(e: unknown): { status: number; body: ErrorBody } {
  if (e instanceof RackbootError) {
    return { status: STATUS_BY_CODE[e.code] ?? 500, body: { error: { code: e.code, message: e.message } } };
  }
  if (e instanceof HttpError) return { status: e.status, body: { error: { code: e.code, message: e.message } } };
  const bodyParser = e as { type?: string; status?: number; message?: string; limit?: number };
  switch (bodyParser.type) {
    case 'entity.parse.failed':
      return { status: 400, body: { error: { code: 'decode', message: `request body is not valid JSON: ${bodyParser.message}` } } };
    case 'entity.too.large':
      return { status: 413, body: { error: { code: 'too_large', message: `request body is larger than the limit of ${bodyParser.limit} bytes (config http.bodyLimit)` } } };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, body: { error: { code: 'unsupported', message: bodyParser.message ?? 'unsupported body encoding' } } };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error; see the rackboot log' } } };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const { status, body } = describeError(err);
    if (status >= 500) logger.error({ err, method: req.method, path: req.path }, 'http request failed');
    else logger.debug({ method: req.method, path: req.originalUrl.split('?')[0], status, code: body.error.code }, body.error.message);
    if (status === 401) res.set('WWW-Authenticate', 'Bearer realm="rackboot"'); // RFC 6750 §3
    res.status(status).json(body);
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};
