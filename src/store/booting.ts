import type { Database } from 'better-sqlite3';
import { stmt } from './statements.js';

/** Stages a node passes before its initrd asks for its image. */
const BEFORE_IMAGE = ['discover', 'offer', 'ack', 'loader', 'config', 'kernel', 'initrd', 'os-lease'];

/**
 * Nodes (rows ids) whose profile boots `image` and that reached a stage before the image
 * since `sinceIso`: the ones an auto push can expect to ask for it soon.
 */
export function nodesBootingImage(db: Database, image: string, sinceIso: string): number[] {
  const rows = stmt(
    db,
    `SELECT n.id FROM nodes n JOIN profiles p ON p.id = n.profile_id
     WHERE p.boot_image = ? AND n.last_stage IN (${BEFORE_IMAGE.map(() => '?').join(', ')}) AND n.last_stage_at >= ?`,
  ).all(image, ...BEFORE_IMAGE, sinceIso) as { id: number }[];
  return rows.map((r) => r.id);
}
