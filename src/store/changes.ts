import type { Database } from 'better-sqlite3';

/**
 * Inventory writes made through this process's connection, counted per connection. The
 * daemon's NodeIndex re-reads the database at once when this moves (an API change is seen by
 * the very next lookup); changes from other processes are caught by `inventory_version`
 * within a millisecond.
 */
const counts = new WeakMap<Database, number>();

export function noteInventoryChange(db: Database): void {
  counts.set(db, (counts.get(db) ?? 0) + 1);
}

export function inventoryChanges(db: Database): number {
  return counts.get(db) ?? 0;
}
