import type { Database } from 'better-sqlite3';
import type { Config } from '../config.js';

/**
 * What every CLI verb gets: the config (loaded from --config, else the embedded default),
 * the database (opened and migrated on first use; `--db` overrides the config's path),
 * and stdout. Verbs throw typed errors; main prints them to stderr and exits non-zero.
 */
export interface CliContext {
  config(): Config;
  db(): Database;
  out(text: string): void;
}
