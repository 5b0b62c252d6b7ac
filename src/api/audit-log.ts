import type { RequestHandler } from 'express';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../log.js';
import { appendAudit } from '../store/audit.js';
import { authOf, CSRF_FIELD, isMutation } from './auth.js';

const MAX_CHANGE = 4000;
const SECRET_KEYS = new Set(['token', CSRF_FIELD, 'password']);

/** The request body as an audit line: secrets removed, long text cut. */
export function describeChange(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'object' && Object.keys(body).length === 0) return '';
  const text = JSON.stringify(body, (k, v: unknown) => (SECRET_KEYS.has(k) ? undefined : v));
  return text.length > MAX_CHANGE ? `${text.slice(0, MAX_CHANGE)}… (${text.length} chars)` : text;
}

/**
 * Write one audit row per mutation once the response is sent (so the status is known),
 * refused ones included — also those refused for a missing or unknown token, recorded
 * under the name "(no valid token)" (their body is never parsed, so no change is shown).
 */
export function auditMutations(db: Database, logger: Logger, clock: () => number = Date.now): RequestHandler {
  return (req, res, next) => {
    if (!isMutation(req.method)) return next();
    res.on('finish', () => {
      const auth = authOf(res);
      try {
        appendAudit(
          db,
          { tokenName: auth?.token.name ?? '(no valid token)', method: req.method, path: req.originalUrl.split('?')[0]!, status: res.statusCode, change: describeChange(req.body) },
          clock,
        );
      } catch (err) {
        logger.error({ err }, 'cannot write the audit log');
      }
    });
    next();
  };
}
