import type { Database } from 'better-sqlite3';
import { stmt } from './statements.js';

/** Stages a node passes before its initrd asks for its image. */
const BEFORE_IMAGE = ['discover', 'offer', 'ack', 'loader', 'config', 'kernel', 'initrd', 'os-lease'];

/**
 * Nodes (rows ids) whose profile boots `image` (their own, or `defaultProfile` for nodes
 * without one) and that reached a stage before the image since `sinceIso`: the ones an
 * auto push can expect to ask for it soon.
 */
export function nodesBootingImage(db: Database, image: string, sinceIso: string, defaultProfile: string | null): number[] {
  const viaDefault = defaultProfile !== null && (stmt(db, 'SELECT boot_image FROM profiles WHERE name = ?').get(defaultProfile) as { boot_image: string | null } | undefined)?.boot_image === image;
  const rows = stmt(
    db,
    `SELECT n.id FROM nodes n LEFT JOIN profiles p ON p.id = n.profile_id
     WHERE (p.boot_image = ? OR (n.profile_id IS NULL AND ? = 1))
       AND n.last_stage IN (${BEFORE_IMAGE.map(() => '?').join(', ')}) AND n.last_stage_at >= ?`,
  ).all(image, viaDefault ? 1 : 0, ...BEFORE_IMAGE, sinceIso) as { id: number }[];
  return rows.map((r) => r.id);
}
