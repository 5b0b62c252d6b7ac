import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Database } from 'better-sqlite3';
import { AuthError } from '../errors.js';
import { verifyToken } from '../store/tokens.js';
import type { AppDeps } from './app.js';
import { auditMutations } from './audit-log.js';
import { csrfFor, CSRF_FIELD, isMutation, parseCookies, TOKEN_COOKIE, type Auth, sameValue } from './auth.js';
import { describeError } from './errors.js';
import { loadViews, webDir } from './views.js';
import { webPages } from './web-pages.js';

const COOKIE_MAX_AGE_MS = 12 * 3600 * 1000;

export type Render = (res: Response, view: string, data: Record<string, unknown>, status?: number) => void;

/**
 * A cross-site form post to /login would log the victim in as the attacker (login CSRF):
 * refuse when the browser says the request came from another origin.
 */
function sameOrigin(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.get('origin');
  if (!origin) return true; // scripts and old browsers: SameSite=Strict and the CSRF value still hold
  if (origin === 'null') return site === 'same-origin';
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}

/** Cookie login for the web page. GETs without a valid cookie go to /login. */
function webAuth(db: Database, clock: () => number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const secret = parseCookies(req.headers.cookie).get(TOKEN_COOKIE);
    const token = secret ? verifyToken(db, secret, clock) : undefined;
    if (!token || !secret) {
      if (!isMutation(req.method)) return res.redirect(303, '/login');
      throw new AuthError('unauthorized', 'not logged in, or the token was revoked; log in again');
    }
    const auth: Auth = { token, via: 'cookie', csrf: csrfFor(secret) };
    res.locals.auth = auth;
    if (isMutation(req.method)) {
      const sent = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      if (typeof sent !== 'string' || !sameValue(sent, auth.csrf) || !sameOrigin(req)) throw new AuthError('forbidden', 'this form is stale or came from another site; reload the page and try again');
      if (token.readOnly) throw new AuthError('forbidden', `token ${token.name} is read-only`);
    }
    next();
  };
}

/** Login, logout, static files and the /ui pages. */
export function webRoutes(deps: AppDeps & { clock: () => number }): Router {
  const { db, clock, config } = deps;
  const views = loadViews();
  const render: Render = (res, view, data, status = 200) => {
    const auth = res.locals.auth as Auth | undefined;
    const user = auth ? { name: auth.token.name, readOnly: auth.token.readOnly } : null;
    res.status(status).type('html').send(views(view, { user, csrf: auth?.csrf ?? '', ...data }));
  };
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: config.http.bodyLimit });

  r.use('/static', express.static(`${webDir()}/static`, { index: false, maxAge: '1h' }));
  r.get('/', (_req, res) => res.redirect(303, '/ui/nodes'));
  r.get('/login', (_req, res) => render(res, 'login', { title: 'Log in' }));
  r.post('/login', form, (req, res) => {
    const secret = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
    if (!sameOrigin(req)) return render(res, 'login', { title: 'Log in', error: 'Refused: the login form was posted from another site.' }, 403);
    const token = secret ? verifyToken(db, secret, clock) : undefined;
    if (!token) return render(res, 'login', { title: 'Log in', error: 'Unknown or revoked token.' }, 401);
    res.cookie(TOKEN_COOKIE, secret, { httpOnly: true, sameSite: 'strict', secure: config.http.cookieSecure, path: '/', maxAge: COOKIE_MAX_AGE_MS });
    res.redirect(303, '/ui/nodes');
  });
  r.post('/logout', form, (_req, res) => {
    res.clearCookie(TOKEN_COOKIE, { path: '/' });
    res.redirect(303, '/login');
  });

  const ui = Router();
  ui.use(form, auditMutations(db, deps.logger, clock), webAuth(db, clock));
  ui.use(webPages(deps, render));
  ui.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const { status, body } = describeError(err);
    if (status >= 500) deps.logger.error({ err }, 'web page failed');
    render(res, 'error', { title: String(status), status, message: body.error.message }, status);
  });
  r.use('/ui', ui);
  return r;
}
