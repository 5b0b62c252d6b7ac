import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { isoNow } from './db.js';

/** An API token as stored: never the token itself, only its SHA-256. */
export interface ApiToken {
  id: number;
  name: string;
  readOnly: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

interface Row {
  id: number;
  name: string;
  hash: string;
  read_only: number;
  created_at: string;
  last_used_at: string | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** Tokens look like `rbt_` + 43 base64url characters (256 random bits). */
const PREFIX = 'rbt_';
/** last_used_at is refreshed at most this often, so reads do not write on every request. */
const TOUCH_MS = 60_000;

const toToken = (r: Row): ApiToken => ({
  id: r.id,
  name: r.name,
  readOnly: r.read_only === 1,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

export const hashToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export interface TokenDeps {
  clock?: () => number;
  random?: (n: number) => Buffer;
}

/** Create a token; the returned secret is shown once and cannot be recovered later. */
export function createToken(db: Database, input: { name: string; readOnly?: boolean }, deps: TokenDeps = {}): { token: string; record: ApiToken } {
  if (!NAME.test(input.name)) {
    throw new ValidationError('must be 1-64 characters: letters, digits, . _ @ - (starting with a letter or digit)', 'name');
  }
  const token = PREFIX + (deps.random ?? randomBytes)(32).toString('base64url');
  try {
    const info = db
      .prepare('INSERT INTO api_tokens (name, hash, read_only, created_at) VALUES (?, ?, ?, ?)')
      .run(input.name, hashToken(token).toString('hex'), input.readOnly ? 1 : 0, isoNow(deps.clock));
    return { token, record: getToken(db, Number(info.lastInsertRowid)) };
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ConflictError(`a token named ${input.name} already exists`);
    throw e;
  }
}

function getToken(db: Database, id: number): ApiToken {
  return toToken(db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as Row);
}

export function listTokens(db: Database): ApiToken[] {
  return (db.prepare('SELECT * FROM api_tokens ORDER BY name').all() as Row[]).map(toToken);
}

export function removeToken(db: Database, name: string): void {
  const info = db.prepare('DELETE FROM api_tokens WHERE name = ?').run(name);
  if (info.changes === 0) throw new NotFoundError(`no token named ${name}`);
}

/**
 * The token whose hash matches `presented`, if any. Every stored hash is compared with
 * timingSafeEqual and the loop never exits early, so response time does not reveal how
 * much of a hash matched or which row did.
 */
export function verifyToken(db: Database, presented: string, clock: () => number = Date.now): ApiToken | undefined {
  const hash = hashToken(presented);
  let found: Row | undefined;
  for (const row of db.prepare('SELECT * FROM api_tokens').all() as Row[]) {
    const stored = Buffer.from(row.hash, 'hex');
    if (stored.length === hash.length && timingSafeEqual(stored, hash) && !found) found = row;
  }
  if (!found) return undefined;
  const now = clock();
  if (found.last_used_at === null || now - Date.parse(found.last_used_at) >= TOUCH_MS) {
    found.last_used_at = isoNow(() => now);
    db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(found.last_used_at, found.id);
  }
  return toToken(found);
}
