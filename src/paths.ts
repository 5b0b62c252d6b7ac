import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (where package.json, templates/ and migrations/ live), from src/ or dist/src/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'migrations'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('rackboot: cannot find the package root (package.json + migrations/)');
    dir = up;
  }
}

export const migrationsDir = (): string => join(packageRoot(), 'migrations');
export const templatesDir = (): string => join(packageRoot(), 'templates');
/** The node initrd's shell files (`init`, `lib/rackboot/*.sh`), packed as-is by src/node/initrd. */
export const initrdDir = (): string => join(packageRoot(), 'initrd');
