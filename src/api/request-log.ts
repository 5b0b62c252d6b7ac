import type { RequestHandler } from 'express';
import type { Logger } from '../log.js';
import { clientIp } from './client.js';

/** One debug line per request, written when the response is finished. */
export function requestLog(logger: Logger, clock: () => number = Date.now): RequestHandler {
  return (req, res, next) => {
    if (!logger.isLevelEnabled('debug')) return next();
    const start = clock();
    res.on('finish', () => {
      logger.debug({ method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: clock() - start, ip: clientIp(req) }, 'http request');
    });
    next();
  };
}

/** Headers every response carries; the web page runs no inline script (CSP 'self'). */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  });
  next();
};
