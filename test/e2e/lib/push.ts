import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PushRepo, type PushReceiverRecord, type PushRecord } from '../../../src/store/pushes.js';
import type { LabSession } from '../../../lab/lib/session.js';
import { rackbootBin, rackbootCli } from '../../../lab/lib/rackboot.js';
import { Service } from '../../../lab/lib/service.js';

/**
 * `rackboot push IMAGE --to TARGET …` run by the real CLI inside the server namespace (the
 * multicast sender must sit on the lab segment), its output kept in `<workDir>/push.log`.
 * Resolves with the service and the push id once the sender waits for receivers.
 */
export async function startPush(s: LabSession, image: string, target: string, extra: string[] = []): Promise<{ service: Service; id: number }> {
  const argv = [process.execPath, rackbootBin(), '--config', s.files.configFile, 'push', image, '--to', target, ...extra];
  const service = new Service('rackboot push', s.net.serverNs, argv, join(s.workDir, 'push.log'), { ...process.env, RACKBOOT_LOG_LEVEL: 'info' });
  const line = await service.waitFor(/^push \d+: waiting for receivers/, 20_000);
  return { service, id: Number(/^push (\d+)/.exec(line)![1]) };
}

export interface PushHistory {
  push: PushRecord;
  receivers: PushReceiverRecord[];
  /** What an admin sees: `rackboot push show ID` (the table form). */
  text: string;
}

/**
 * One push from the history: the records as rackboot's own PushRepo reads them from the
 * inventory (opened read-only), and the CLI's `push show ID` text. Not `push show --json`:
 * the parent `push` command also declares --json and commander gives the flag to it, so
 * `push show ID --json` prints the table (see the report of the e2e push test).
 */
export function pushHistory(configFile: string, database: string, id: number): PushHistory {
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    const repo = new PushRepo(db);
    const push = repo.get(id);
    if (!push) throw new Error(`push ${id} is not in the history (${database})`);
    return { push, receivers: repo.receivers(id), text: rackbootCli(configFile, ['push', 'show', String(id)]) };
  } finally {
    db.close();
  }
}
