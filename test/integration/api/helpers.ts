import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type AppDeps } from '../../../src/api/app.js';
import { parseConfig, type Config } from '../../../src/config.js';
import { openInventory } from '../../../src/inventory/open.js';
import { silentLogger } from '../../../src/log.js';
import { Metrics } from '../../../src/metrics.js';
import { openDatabase, type Database } from '../../../src/store/db.js';
import { createToken } from '../../../src/store/tokens.js';

/** A fresh SQLite file in a temporary folder, fully migrated. */
export function tempDatabase(): { db: Database; dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'rbta-api-'));
  const db = openDatabase(join(dir, 'rackboot.db'));
  return {
    db,
    dir,
    cleanup() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Listen on 127.0.0.1, port 0; resolves with the base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export const close = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** A request from a chosen loopback source address (127.0.0.0/8 is all ours on Linux). */
export function requestFrom(
  url: string,
  localAddress: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', localAddress, headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}


/**
 * The whole HTTP side over a temporary database and the real inventory and boot backend,
 * listening on 127.0.0.1 port 0, with an admin and a read-only token.
 */
export async function startApi(opts: { config?: Record<string, unknown>; pushes?: (db: Database, config: Config) => NonNullable<AppDeps['pushes']> } = {}) {
  const t = tempDatabase();
  const config = parseConfig({ serverAddress: '127.0.0.1', ...opts.config }, t.dir);
  const metrics = new Metrics();
  const { inventory, backend, renderer } = openInventory(t.db, config);
  const admin = createToken(t.db, { name: 'admin' }).token;
  const viewer = createToken(t.db, { name: 'viewer', readOnly: true }).token;
  const app = createApp({ db: t.db, inventory, backend, renderer, config, logger: silentLogger(), metrics, ...(opts.pushes ? { pushes: opts.pushes(t.db, config) } : {}) });
  const server = createServer(app);
  const base = await listen(server);
  const call = async (method: string, path: string, body?: unknown, token = admin) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = typeof body === 'string' ? 'text/plain' : 'application/json';
    const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await r.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, text, json, headers: r.headers };
  };
  return {
    ...t,
    base,
    admin,
    viewer,
    inventory,
    backend,
    metrics,
    call,
    async stop() {
      await close(server);
      t.cleanup();
    },
  };
}
