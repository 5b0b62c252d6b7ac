import { createHash } from 'node:crypto';
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { isoNow } from '../store/db.js';
import { ImageRepo } from '../store/images.js';
import type { Image, ImageKind } from './types.js';
import * as v from './validate.js';

// A rootfs registered by hand (not built) has no kernel record; its folder may still hold vmlinuz and initrd.gz.
const KINDS: ImageKind[] = ['kernel', 'initrd', 'disk', 'rootfs'];

/**
 * Names of images nodes boot: they travel on the kernel command line (rackboot.image=) and
 * in the plan's query string, where the node initrd accepts only these characters (a "+"
 * would also read as a space in a query).
 */
export const BOOTABLE_IMAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function bootableImageName(name: string, field: string): string {
  v.name(name, field);
  if (!BOOTABLE_IMAGE_NAME.test(name)) throw new ValidationError(`"${name}": an image nodes boot is named with letters, digits, ".", "_" and "-" only (it goes on the kernel command line)`, field);
  return name;
}

/** Guess the kind from the file name the way admins name them (vmlinuz-*, *.rdz, initrd*). */
export function guessKind(file: string): ImageKind {
  const base = file.replace(/.*\//, '').toLowerCase();
  if (/^(vmlinu[xz]|bzimage|kernel)/.test(base)) return 'kernel';
  if (/(initrd|initramfs|\.rdz$|\.cpio(\.gz|\.xz|\.zst)?$)/.test(base)) return 'initrd';
  return 'disk';
}

/** sha256 of a file, streamed so a multi-GiB image is never held in memory. */
export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Images: kernels, initrds and disk images, with size and sha256 recorded at registration. */
export class ImageService {
  private readonly repo: ImageRepo;
  constructor(
    private readonly db: Database,
    private readonly imagesDir: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.repo = new ImageRepo(db);
  }

  list(): Image[] {
    return this.repo.list();
  }
  get(name: string): Image {
    const i = this.repo.byName(name);
    if (!i) throw new NotFoundError(`no image "${name}" (see rackboot image list)`);
    return i;
  }
  /** Absolute path of an image's file. */
  pathOf(image: Image): string {
    return isAbsolute(image.path) ? image.path : resolve(this.imagesDir, image.path);
  }

  /**
   * Register a file. `confine` (the API's case) refuses files outside the images folder,
   * symlinks included: an API token must not make the root daemon read, hash and serve
   * arbitrary files. The CLI on the server may register any path.
   */
  async add(name: string, file: string, kind?: string, opts: { confine?: boolean } = {}): Promise<Image> {
    v.name(name, 'name');
    const k = (kind ?? guessKind(file)) as ImageKind;
    if (!KINDS.includes(k)) throw new ValidationError(`"${kind}" must be one of ${KINDS.join(', ')}`, 'kind');
    if (this.repo.byName(name)) throw new ConflictError(`image "${name}" already exists`);
    const abs = resolve(this.imagesDir, file);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new NotFoundError(`no file ${abs}`);
    }
    if (!st.isFile()) throw new ValidationError(`${abs} is not a regular file`, 'file');
    if (opts.confine) {
      const inside = relative(realpathSync(this.imagesDir), realpathSync(abs));
      if (inside.startsWith('..') || isAbsolute(inside)) {
        throw new ValidationError(`${file} is outside the images folder ${this.imagesDir}; put the file there (or register it with the CLI on the server)`, 'file');
      }
    }
    const sha256 = await sha256File(abs);
    const path = this.storedPath(abs);
    try {
      this.repo.insert({ name, path, size: st.size, sha256, kind: k, addedAt: isoNow(this.clock) });
    } catch (e) {
      // Two registrations of one name raced while the file was being hashed.
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ConflictError(`image "${name}" already exists`);
      throw e;
    }
    return this.get(name);
  }

  /** A file's path as the catalogue keeps it: relative to the images folder when inside it. */
  private storedPath(abs: string): string {
    const rel = relative(this.imagesDir, abs);
    return rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
  }

  /** Fail before a long build whose name is already taken by an image of another kind. */
  assertBuildable(name: string): void {
    bootableImageName(name, 'name');
    const i = this.repo.byName(name);
    if (i && i.kind !== 'rootfs') throw new ConflictError(`image "${name}" is a ${i.kind} image, not a built root filesystem; pick another name or remove it first (rackboot image rm ${name})`);
  }

  /**
   * Register a built root filesystem (src/images), or switch an existing one to the new
   * build keeping its id. Returns the row it replaced: its file must stay on disk, a push
   * or a booting node may be reading it.
   */
  registerRootfs(b: { name: string; file: string; size: number; sha256: string; kernel: { version: string; file: string } | null }): { image: Image; replaced: Image | null } {
    const row = {
      path: this.storedPath(b.file),
      size: b.size,
      sha256: b.sha256,
      kind: 'rootfs' as const,
      addedAt: isoNow(this.clock),
      kernelVersion: b.kernel?.version ?? null,
      kernelPath: b.kernel ? this.storedPath(b.kernel.file) : null,
    };
    return this.db.transaction(() => {
      this.assertBuildable(b.name); // again: another kind may have taken the name during the build
      const old = this.repo.byName(b.name) ?? null;
      if (old) this.repo.update(old.id, row);
      else this.repo.insert({ name: b.name, ...row });
      return { image: this.get(b.name), replaced: old };
    }).immediate();
  }

  remove(name: string): Image {
    const i = this.get(name);
    const users = this.repo.pushedBy(name);
    if (users.length) throw new ConflictError(`image "${name}" is the push image of profile(s) ${users.join(', ')}; change them first (rackboot profile set P --push-image "")`);
    const booting = this.repo.bootedBy(name);
    if (booting.length) throw new ConflictError(`profile(s) ${booting.join(', ')} boot image "${name}"; change them first (rackboot profile set P --image OTHER)`);
    this.repo.remove(i.id);
    return i;
  }
}
