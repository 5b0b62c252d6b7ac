import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/db.js';
import { packageRoot } from '../../../src/paths.js';

/**
 * A writer that registers nodes one transaction at a time and prints each committed
 * hostname is killed with SIGKILL mid-stream; the database must open cleanly, pass
 * integrity_check, and hold every node whose commit was reported.
 */
describe('kill -9 during inventory writes', () => {
  it('leaves a consistent database holding every committed node', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rb-kill9-')), 'inv.db');
    const script = `
      import { openDatabase } from '${join(packageRoot(), 'dist/src/store/db.js')}';
      import { NodeService } from '${join(packageRoot(), 'dist/src/inventory/nodes.js')}';
      const db = openDatabase(${JSON.stringify(file)});
      const nodes = new NodeService(db);
      for (let i = 0; ; i++) {
        const mac = '02:00:00:' + [(i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':');
        nodes.add({ mac, hostname: 'n' + i });
        process.stdout.write('n' + i + '\\n');
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise((r) => child.on('exit', r));
    const start = Date.now();
    while (out.split('\n').length < 300 && Date.now() - start < 20_000 && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    const committed = out.split('\n').filter(Boolean);
    expect(committed.length, `writer stderr: ${err}`).toBeGreaterThanOrEqual(300);

    const db = openDatabase(file);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = new Set((db.prepare('SELECT hostname FROM nodes').all() as { hostname: string }[]).map((r) => r.hostname));
    for (const h of committed) expect(stored.has(h)).toBe(true);
    // Nothing half-written: every stored node has a full row.
    expect(db.prepare("SELECT count(*) AS n FROM nodes WHERE mac IS NULL OR node_id IS NULL OR created_at = ''").get()).toEqual({ n: 0 });
    db.close();
  });
});
