import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { BootBackend } from '../boot/backend.js';
import type { Renderer } from '../boot/renderer.js';
import type { Config } from '../config.js';
import type { Node, Profile } from '../inventory/types.js';
import { templatesDir } from '../paths.js';
import { fail, ok, type CheckResult } from './result.js';

/** Every *.hbs of the admin's templatesDir and the built-in folder parses (as TemplateStore compiles them: strict, no escaping). */
export function checkTemplateSyntax(config: Config, builtin = templatesDir()): CheckResult {
  const dirs = config.templatesDir ? [config.templatesDir, builtin] : [builtin];
  const broken: string[] = [];
  let n = 0;
  for (const dir of dirs) {
    if (!existsSync(dir)) {
      if (dir === config.templatesDir) broken.push(`templatesDir ${dir} does not exist`);
      continue;
    }
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.hbs')).sort()) {
      n++;
      try {
        Handlebars.precompile(readFileSync(join(dir, f), 'utf8'), { strict: true, noEscape: true });
      } catch (e) {
        broken.push(`${join(dir, f)}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
  if (broken.length) return fail('templates', broken.join('\n'));
  return ok('templates', `${n} template(s) compile (${dirs.join(', ')})`);
}

/** Nodes by the profile they boot (their own, else boot.defaultProfile). */
export function nodesByProfile(nodes: readonly Node[], defaultProfile: string | null): Map<string, Node[]> {
  const by = new Map<string, Node[]>();
  for (const n of nodes) {
    const p = n.profile ?? defaultProfile;
    if (p !== null) by.set(p, [...(by.get(p) ?? []), n]);
  }
  return by;
}

/**
 * Each profile's pxelinux.cfg and iPXE script render (strict templates: an admin override
 * naming a variable that does not exist fails here, not at a node's boot), for one node
 * of the profile, or for an unknown machine when none boots it yet.
 */
export function checkProfileRendering(profiles: readonly Profile[], byProfile: Map<string, Node[]>, renderer: Renderer): CheckResult {
  const broken: string[] = [];
  for (const p of profiles) {
    const node = byProfile.get(p.name)?.[0] ?? null;
    const who = node ? `node ${node.hostname}` : 'an unknown machine';
    for (const [kind, render] of [
      [p.template, () => renderer.pxelinux(p, node)],
      ['ipxe', () => renderer.ipxe(p, node)],
    ] as Array<[string, () => string]>) {
      try {
        render();
      } catch (e) {
        broken.push(`profile ${p.name}, ${kind}.hbs for ${who}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
  if (broken.length) return fail('rendering', broken.join('\n'));
  return ok('rendering', profiles.length ? `pxelinux.cfg and iPXE script of ${profiles.length} profile(s) render` : 'no profiles to render');
}

/** The overlays of each profile that has any render for one of its nodes (as `rackboot render --what overlay` would). */
export function checkOverlays(profiles: readonly Profile[], byProfile: Map<string, Node[]>, backend: BootBackend): CheckResult {
  if (!backend.overlayFiles) return ok('overlays', 'this backend renders no overlays');
  const broken: string[] = [];
  const rendered: string[] = [];
  const untried: string[] = [];
  for (const p of profiles) {
    if (p.overlays.length === 0) continue;
    const node = byProfile.get(p.name)?.[0];
    if (!node) {
      untried.push(p.name);
      continue;
    }
    try {
      const files = backend.overlayFiles(node.mac) ?? [];
      rendered.push(`${p.name} (${p.overlays.join('+')}, ${files.length} entries for ${node.hostname})`);
    } catch (e) {
      broken.push(`profile ${p.name} (overlays ${p.overlays.join(', ')}) for node ${node.hostname}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (broken.length) return fail('overlays', broken.join('\n'));
  const skipped = untried.length ? `; not tried (no node boots them): ${untried.join(', ')}` : '';
  return ok('overlays', rendered.length ? `render: ${rendered.join(', ')}${skipped}` : `nothing to render${skipped}`);
}
