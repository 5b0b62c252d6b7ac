import { readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';

const GENERATION = /^root-[0-9a-f]{16}\.squashfs$/;

/**
 * Remove the image files of `dir` but those named in `keep`: the new build and the one it
 * replaced (a push or a booting node may still be reading it; a reader that opened an
 * older one keeps its bytes until it closes). Returns the file names removed.
 */
export function pruneGenerations(dir: string, keep: string[]): string[] {
  const kept = new Set(keep.map((k) => basename(k)));
  const removed = readdirSync(dir).filter((f) => GENERATION.test(f) && !kept.has(f));
  for (const f of removed) rmSync(join(dir, f), { force: true });
  return removed;
}
