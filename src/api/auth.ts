import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Database } from 'better-sqlite3';
import { AuthError } from '../errors.js';
import { verifyToken, type ApiToken } from '../store/tokens.js';

/** The web page keeps the token in this HttpOnly, SameSite=Strict cookie. */
export const TOKEN_COOKIE = 'rackboot_token';
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

export interface Auth {
  token: ApiToken;
  via: 'bearer' | 'cookie';
  /** The value cookie-authenticated mutations must echo (form field or header). */
  csrf: string;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
export const isMutation = (method: string): boolean => !SAFE.has(method);

/** A per-token CSRF value: only someone holding the token (not a cross-site page) knows it. */
export const csrfFor = (token: string): string => createHash('sha256').update(`rackboot-csrf:${token}`).digest('hex');

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      out.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // A cookie another app set with bad escapes is not ours; ignore it.
    }
  }
  return out;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/** The presented token and how it came, or an AuthError naming what is wrong. */
function presentedToken(req: Request): { secret: string; via: Auth['via'] } {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = BEARER.exec(header.trim());
    if (!m) throw new AuthError('unauthorized', "malformed Authorization header: expected 'Bearer <token>'");
    return { secret: m[1]!, via: 'bearer' };
  }
  const cookie = parseCookies(req.headers.cookie).get(TOKEN_COOKIE);
  if (cookie) return { secret: cookie, via: 'cookie' };
  throw new AuthError('unauthorized', 'missing bearer token: send Authorization: Bearer <token> (create one with `rackboot token create --name NAME`)');
}

export function sameValue(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Bearer-token (or web cookie) authentication; read-only tokens may not mutate. A
 * cookie-authenticated mutation must also carry the token's CSRF value, since browsers
 * attach cookies by themselves (SameSite=Strict is the first fence, this the second).
 */
export function authenticate(db: Database, clock: () => number = Date.now): RequestHandler {
  return (req, res, next) => {
    const { secret, via } = presentedToken(req);
    const token = verifyToken(db, secret, clock);
    if (!token) throw new AuthError('unauthorized', 'unknown or revoked token');
    const auth: Auth = { token, via, csrf: csrfFor(secret) };
    res.locals.auth = auth;
    if (isMutation(req.method)) {
      if (token.readOnly) throw new AuthError('forbidden', `token ${token.name} is read-only and cannot ${req.method} ${req.path}`);
      if (via === 'cookie') {
        const sent = req.get(CSRF_HEADER) ?? (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
        if (typeof sent !== 'string' || !sameValue(sent, auth.csrf)) {
          throw new AuthError('forbidden', 'missing or wrong CSRF token on a cookie-authenticated request; reload the page');
        }
      }
    }
    next();
  };
}

export const authOf = (res: Response): Auth | undefined => res.locals.auth as Auth | undefined;
