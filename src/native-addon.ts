import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from './paths.js';

const loaded = new Map<string, unknown>();

/**
 * native/NAME.node, built by native/build.sh at npm install, loaded once; null when it was
 * not built (no compiler or Node headers) or does not load: every caller has a fallback.
 */
export function loadNativeAddon<T>(name: string): T | null {
  if (loaded.has(name)) return loaded.get(name) as T | null;
  const path = join(packageRoot(), 'native', `${name}.node`);
  let addon: T | null = null;
  try {
    if (existsSync(path)) addon = createRequire(import.meta.url)(path) as T;
  } catch {
    addon = null;
  }
  loaded.set(name, addon);
  return addon;
}
