import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Config } from '../config.js';
import type { Profile } from '../inventory/types.js';
import { ImageRepo } from '../store/images.js';
import { ProfileRepo } from '../store/profiles.js';
import { defaultMounts, type Mount } from '../tftp/mounts.js';
import { openFileFromMounts } from '../tftp/open.js';
import { normalizeRequestPath } from '../tftp/paths.js';
import { fail, ok, warn, type CheckResult } from './result.js';

/** Where TFTP (and HTTP /boot/files/) would find `path`, or why not: the very lookup the servers do. */
export async function findBootFile(path: string, mounts: readonly Mount[]): Promise<{ found: true } | { found: false; why: string }> {
  const normal = normalizeRequestPath(path);
  if (!('path' in normal)) return { found: false, why: normal.reason };
  const opened = await openFileFromMounts(normal.path, mounts);
  if ('code' in opened) return { found: false, why: opened.kind === 'not_found' ? 'not found' : opened.reason };
  await opened.handle.close();
  return { found: true };
}

export const describeMounts = (mounts: readonly Mount[]): string =>
  mounts.map((m) => (m.prefix ? `${m.dir} as ${m.prefix}` : m.byBasename ? `${m.dir} (by name)` : m.dir)).join(', ');

const servesFiles = (config: Config): boolean => config.tftp.enabled || (config.http.enabled && config.http.bootFiles);

/**
 * The BIOS loader DHCP hands out, and ldlinux.c32 beside it when it is pxelinux (syslinux 5+
 * loads it from the loader's folder), from the TFTP boot folder or Debian's syslinux files.
 * The EFI loader is only mentioned: a BIOS-only cluster never asks for it.
 */
export async function checkLoaders(config: Config, mounts: readonly Mount[] = defaultMounts(config)): Promise<CheckResult> {
  if (!servesFiles(config)) return ok('loaders', 'rackboot serves no boot files (tftp.enabled and http.bootFiles are off): another server serves the loaders');
  const bios = config.dhcp.loaders.bios;
  const want = [bios];
  if (/(^|\/)l?pxelinux\.0$/.test(bios)) want.push(bios.replace(/l?pxelinux\.0$/, 'ldlinux.c32'));
  const missing: string[] = [];
  for (const f of want) if (!(await findBootFile(f, mounts)).found) missing.push(f);
  const efi = (await findBootFile(config.dhcp.loaders.efi, mounts)).found ? '' : `; the EFI loader ${config.dhcp.loaders.efi} is not there (only EFI clients need it)`;
  if (missing.length) {
    const hint = config.tftp.syslinux ? 'install the Debian packages pxelinux and syslinux-common, or copy them into the boot folder' : 'copy them into the boot folder (or set tftp.syslinux: true and install pxelinux and syslinux-common)';
    return fail('loaders', `${missing.join(' and ')} not found in any TFTP root (${describeMounts(mounts)}): ${hint}${efi}`);
  }
  return ok('loaders', `${want.join(', ')} found${efi}`);
}

/** Every file one profile names (kernels, initrds, DISPLAY and F1 files), looked up as TFTP would. */
async function profileFiles(p: Profile, mounts: readonly Mount[]): Promise<string[]> {
  const problems: string[] = [];
  for (const l of p.labels) {
    for (const [what, f] of [['kernel', l.kernel], ...l.initrds.map((i) => ['initrd', i])] as Array<[string, string | null]>) {
      if (f === null) continue;
      const r = await findBootFile(f, mounts);
      if (!r.found) problems.push(`${what} ${f} (label ${l.name}) ${r.why}`);
    }
  }
  for (const [what, f] of [['display', p.display], ['f1', p.f1]] as Array<[string, string | null]>) {
    if (f === null) continue;
    const r = await findBootFile(f, mounts);
    if (!r.found) problems.push(`${what} file ${f} ${r.why}`);
  }
  return problems;
}

/**
 * One result per profile: its kernels and initrds resolve. A missing file fails a profile
 * that nodes boot (or the default profile); an unused profile only warns.
 */
export async function checkProfiles(db: Database, config: Config, mounts: readonly Mount[] = defaultMounts(config)): Promise<CheckResult[]> {
  const repo = new ProfileRepo(db);
  const profiles = repo.list();
  if (profiles.length === 0) return [ok('profiles', 'no profiles in the inventory yet')];
  const results: CheckResult[] = [];
  for (const p of profiles) {
    const check = `profile ${p.name}`;
    const problems = await profileFiles(p, mounts);
    const kernels = p.labels.filter((l) => l.kernel !== null).length;
    if (problems.length === 0) {
      results.push(ok(check, kernels ? `${kernels} kernel(s) and their initrds found` : 'local boot only: no kernel to find'));
      continue;
    }
    const used = repo.nodeCount(p.id);
    const isDefault = config.boot.defaultProfile === p.name;
    const msg = `${problems.join('; ')} — searched ${describeMounts(mounts)}`;
    if (used > 0 || isDefault) results.push(fail(check, `${msg} (${used} node(s) boot it${isDefault ? '; it is boot.defaultProfile' : ''})`));
    else results.push(warn(check, `${msg} (no node boots it yet)`));
  }
  if (config.boot.defaultProfile && !profiles.some((p) => p.name === config.boot.defaultProfile)) {
    results.push(fail('profiles', `boot.defaultProfile ${config.boot.defaultProfile} is not in the inventory (profiles: ${profiles.map((p) => p.name).join(', ')})`));
  }
  return results;
}

/** Images registered in the catalogue whose file (or own kernel) is gone. */
export function checkImages(db: Database, config: Config): CheckResult {
  const images = new ImageRepo(db).list();
  if (images.length === 0) return ok('images', 'no images registered');
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(config.imagesDir, p));
  const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();
  const missing: string[] = [];
  for (const i of images) {
    if (!isFile(abs(i.path))) missing.push(`${i.name} (${abs(i.path)})`);
    if (i.kernelPath && !isFile(abs(i.kernelPath))) missing.push(`${i.name}'s kernel (${abs(i.kernelPath)})`);
  }
  if (missing.length) return fail('images', `${missing.length} registered file(s) missing: ${missing.join(', ')}; put them back, or remove the image (rackboot image rm NAME)`);
  return ok('images', `${images.length} registered image(s), every file present`);
}
