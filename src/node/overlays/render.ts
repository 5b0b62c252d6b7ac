import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { ValidationError } from '../../errors.js';
import type { OverlayCatalog, OverlaySource } from './catalog.js';

/** A file as the node will see it. Paths are relative to the node's root, without a leading slash. */
export type OverlayFile =
  | { kind: 'dir'; path: string; mode: number }
  | { kind: 'file'; path: string; mode: number; data: Buffer }
  | { kind: 'symlink'; path: string; target: string };

/** The overlays a profile names, walked once per request (cache key) and rendered on a miss. */
export interface WalkedOverlay {
  name: string;
  sources: OverlaySource[];
}

/**
 * Folder modes are not taken from the overlay folder: unpacking sets the mode of folders that
 * already exist on the node, and a checkout made under umask 077 would lock every user out of /etc.
 */
const DIR_MODE = 0o755;

/** Thrown by the `{{omit}}` helper: this template yields no file for this node. */
class OmitFile extends Error {}

/**
 * Renders overlays for one node. `*.hbs` files are handlebars compiled strict (an unknown
 * variable is an error, as in the boot templates) without HTML escaping; everything else is
 * copied byte for byte. `{{omit}}` in a template leaves its file out (e.g. /etc/kerrighed_nodes
 * for a node in no cluster); a later overlay's omit removes an earlier overlay's file.
 */
export class OverlayRenderer {
  private readonly hbs = Handlebars.create();
  private readonly compiled = new Map<string, { stamp: string; fn: Handlebars.TemplateDelegate }>();

  constructor(readonly catalog: OverlayCatalog) {
    this.hbs.registerHelper('omit', () => {
      throw new OmitFile();
    });
  }

  walk(names: readonly string[]): WalkedOverlay[] {
    return names.map((name) => ({ name, sources: this.catalog.walk(name) }));
  }

  /** What the cache keys on: every path, mode, size and mtime of the overlays, in order. */
  static signature(walked: readonly WalkedOverlay[]): string {
    return walked
      .map((w) => `${w.name}:${w.sources.map((s) => (s.kind === 'file' ? `${s.path}|${s.mode}|${s.size}|${s.mtimeMs}` : s.kind === 'symlink' ? `${s.path}>${s.target}` : s.path)).join(',')}`)
      .join(';');
  }

  /** Layer the overlays in order (a later one wins for the same path) and render for `ctx`. */
  render(walked: readonly WalkedOverlay[], ctx: Record<string, unknown>): OverlayFile[] {
    const out = new Map<string, OverlayFile>();
    for (const { name, sources } of walked) {
      for (const s of sources) {
        const rendered = s.kind === 'file' && s.path.endsWith('.hbs');
        const path = rendered ? s.path.slice(0, -'.hbs'.length) : s.path;
        const before = out.get(path);
        if (before && (before.kind === 'dir') !== (s.kind === 'dir')) {
          throw new ValidationError(`${path} is a ${before.kind} in an earlier overlay and a ${s.kind} in overlay ${name}`, 'overlays');
        }
        if (s.kind === 'dir') out.set(path, { kind: 'dir', path, mode: DIR_MODE });
        else if (s.kind === 'symlink') out.set(path, { kind: 'symlink', path, target: s.target });
        else if (!rendered) out.set(path, { kind: 'file', path, mode: s.mode, data: readFileSync(s.file) });
        else {
          const text = this.template(name, s, ctx);
          if (text === undefined) out.delete(path);
          else out.set(path, { kind: 'file', path, mode: s.mode, data: Buffer.from(text, 'utf8') });
        }
      }
    }
    // Plain string order puts every folder before what it holds (a prefix sorts first).
    return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private template(overlay: string, s: Extract<OverlaySource, { kind: 'file' }>, ctx: Record<string, unknown>): string | undefined {
    const stamp = `${s.mtimeMs}|${s.size}`;
    let entry = this.compiled.get(s.file);
    try {
      if (!entry || entry.stamp !== stamp) {
        entry = { stamp, fn: this.hbs.compile(readFileSync(s.file, 'utf8'), { strict: true, noEscape: true }) };
        this.compiled.set(s.file, entry);
      }
      return entry.fn(ctx);
    } catch (e) {
      if (e instanceof OmitFile) return undefined;
      throw new ValidationError(`cannot render: ${(e as Error).message}`, `overlay ${overlay}/${s.path}`);
    }
  }
}
