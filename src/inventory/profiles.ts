import { bootableImageName } from './images.js';
import type { Database } from 'better-sqlite3';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { ImageRepo } from '../store/images.js';
import { ProfileRepo } from '../store/profiles.js';
import { builtinOverlayNames } from '../node/overlays/catalog.js';
import type { Profile, ProfileLabel } from './types.js';
import * as v from './validate.js';

export interface LabelInput {
  name: string;
  menuLabel?: string | null;
  localboot?: number | null;
  kernel?: string | null;
  initrds?: string[];
  args?: string;
}

export interface ProfileInput {
  name: string;
  template?: string;
  prompt?: number;
  timeout?: number;
  display?: string | null;
  f1?: string | null;
  defaultLabel?: string | null;
  labels: LabelInput[];
  pushImage?: string | null;
  /** Overlay names, in order (later wins); default ["base"]. */
  overlays?: string[];
  bootImage?: string | null;
  kernelFromImage?: boolean;
  rootMode?: 'overlay' | 'ram';
}

/** Where a profile booting image NAME with --kernel-from-image finds its kernel and initrd (docs/diskless.md). */
export const imageKernel = (image: string): { kernel: string; initrds: string[] } => ({ kernel: `images/${image}/vmlinuz`, initrds: [`images/${image}/initrd.gz`] });

/**
 * With kernel-from-image, a label given neither a kernel nor localboot boots the image's own
 * kernel, and a label still on the previous image's kernel follows the image to its new name.
 * Turning kernel-from-image on (`previous` undefined) moves every kernel label to the image's
 * kernel and initrd: the node initrd must match the image's modules.
 */
function imageLabels(labels: LabelInput[], image: string, previous: string | null | undefined): LabelInput[] {
  const old = previous ? imageKernel(previous) : undefined;
  const now = imageKernel(image);
  return labels.map((l) => {
    const local = l.localboot !== undefined && l.localboot !== null;
    if (!local && (!l.kernel || previous === undefined)) return { ...l, ...now };
    if (!old || l.kernel !== old.kernel) return l;
    return { ...l, kernel: now.kernel, initrds: (l.initrds ?? []).map((i) => (i === old.initrds[0] ? now.initrds[0]! : i)) };
  });
}

function label(l: LabelInput, i: number): ProfileLabel {
  const f = (k: string): string => `labels[${i}].${k}`;
  const hasKernel = l.kernel !== undefined && l.kernel !== null && l.kernel !== '';
  const hasLocal = l.localboot !== undefined && l.localboot !== null;
  if (hasKernel === hasLocal) throw new ValidationError('give either a kernel or localboot, not both or neither', f('kernel'));
  return {
    name: v.name(l.name, f('name')),
    menuLabel: l.menuLabel ? v.oneLine(l.menuLabel, f('menu_label')) : null,
    localboot: hasLocal ? v.intIn(l.localboot!, -1, 0x80, f('localboot')) : null,
    kernel: hasKernel ? v.bootPath(l.kernel!, f('kernel')) : null,
    initrds: (l.initrds ?? []).map((p, j) => v.bootPath(p, `${f('initrds')}[${j}]`)),
    args: v.kernelArgs(l.args ?? '', f('args')),
  };
}

/** Profiles: what a node boots, as one or more pxelinux menu labels. */
export class ProfileService {
  private readonly repo: ProfileRepo;
  private readonly images: ImageRepo;
  /** The overlays a profile may name; open.ts points this at the configured folders. */
  overlayNames: () => string[] = builtinOverlayNames;
  constructor(db: Database) {
    this.repo = new ProfileRepo(db);
    this.images = new ImageRepo(db);
  }

  list(): Profile[] {
    return this.repo.list();
  }
  find(name: string): Profile | undefined {
    return this.repo.byName(name);
  }
  get(name: string): Profile {
    const p = this.repo.byName(name);
    if (!p) throw new NotFoundError(`no profile "${name}" (see rackboot profile list)`);
    return p;
  }

  private pushImage(name: string | null): string | null {
    if (name === null || name === '') return null;
    if (!this.images.byName(name)) throw new NotFoundError(`no image "${name}" to push (register it with: rackboot image add ${name} FILE)`);
    return name;
  }

  private bootImage(name: string | null, kernelFromImage: boolean): string | null {
    if (name === null || name === '') return null;
    const image = this.images.byName(bootableImageName(name, 'boot_image'));
    if (!image) throw new NotFoundError(`no image "${name}" to boot (see rackboot image list)`);
    if (kernelFromImage && !image.kernelPath) {
      throw new ValidationError(`image "${name}" has no kernel of its own (${image.kind === 'rootfs' ? 'its tree had no /boot/vmlinuz-* with modules' : `it is a ${image.kind} image, not built by rackboot image build`}); give --kernel and --initrd instead of --kernel-from-image`, 'kernel_from_image');
    }
    return name;
  }

  /** Names not in `kept` must exist: a folder removed later fails the node's overlay, not every profile edit. */
  private overlays(list: string[], kept: readonly string[]): string[] {
    const known = this.overlayNames();
    list.forEach((o, i) => {
      v.name(o, `overlays[${i}]`);
      if (!kept.includes(o) && !known.includes(o)) throw new NotFoundError(`no overlay "${o}"; known overlays: ${known.join(', ') || '(none)'}`);
      if (list.indexOf(o) !== i) throw new ValidationError(`overlay "${o}" appears twice`, 'overlays');
    });
    return list;
  }

  private validate(p: ProfileInput, cur?: Profile): Omit<Profile, 'id'> {
    const previousImage = cur?.kernelFromImage ? cur.bootImage : undefined;
    const kernelFromImage = p.kernelFromImage ?? false;
    const bootImage = this.bootImage(p.bootImage ?? null, kernelFromImage);
    if (kernelFromImage && bootImage === null) {
      throw new ValidationError(cur?.bootImage ? 'kernel-from-image needs the image to boot: to stop booting an image, give --no-kernel-from-image with --image ""' : 'kernel-from-image needs the image to boot (--image NAME)', 'kernel_from_image');
    }
    if (bootImage !== null && p.pushImage) {
      throw new ValidationError(`a profile boots an image (--image) or has its initrd receive one after boot (--push-image), not both: rackboot's node initrd already receives ${bootImage} by multicast when nodes boot together`, 'push_image');
    }
    if (kernelFromImage) p = { ...p, labels: imageLabels(p.labels, bootImage!, previousImage) };
    const rootMode = p.rootMode ?? 'overlay';
    if (rootMode !== 'overlay' && rootMode !== 'ram') throw new ValidationError(`"${String(rootMode)}" must be overlay or ram`, 'root_mode');
    if (p.labels.length === 0) throw new ValidationError('a profile needs at least one label (a kernel or localboot entry)', 'labels');
    const labels = p.labels.map(label);
    const names = new Set<string>();
    for (const l of labels) {
      if (names.has(l.name)) throw new ValidationError(`label "${l.name}" appears twice`, 'labels');
      names.add(l.name);
    }
    const defaultLabel = p.defaultLabel ?? null;
    if (defaultLabel !== null && !names.has(defaultLabel)) throw new ValidationError(`"${defaultLabel}" is not one of the labels (${[...names].join(', ')})`, 'default_label');
    return {
      name: v.name(p.name, 'name'),
      template: v.name(p.template ?? 'pxelinux', 'template'),
      prompt: v.intIn(p.prompt ?? 1, 0, 1, 'prompt'),
      timeout: v.intIn(p.timeout ?? 5, 0, 35996, 'timeout'),
      display: p.display ? v.bootPath(p.display, 'display') : null,
      f1: p.f1 ? v.bootPath(p.f1, 'f1') : null,
      defaultLabel,
      labels,
      pushImage: this.pushImage(p.pushImage ?? null),
      overlays: this.overlays(p.overlays ?? ['base'], cur?.overlays ?? []),
      bootImage,
      kernelFromImage,
      rootMode,
    };
  }

  add(input: ProfileInput): Profile {
    if (this.repo.byName(input.name)) throw new ConflictError(`profile "${input.name}" already exists`);
    const rec = this.validate(input);
    this.repo.insert(rec);
    return this.get(rec.name);
  }

  update(name: string, patch: Partial<ProfileInput>): Profile {
    const cur = this.get(name);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, x]) => x !== undefined));
    const rec = this.validate({ ...cur, ...defined } as ProfileInput, cur);
    if (rec.name !== cur.name && this.repo.byName(rec.name)) throw new ConflictError(`profile "${rec.name}" already exists`);
    this.repo.update(cur.id, rec);
    return this.get(rec.name);
  }

  remove(name: string): Profile {
    const p = this.get(name);
    const n = this.repo.nodeCount(p.id);
    if (n > 0) throw new ConflictError(`profile "${name}" is used by ${n} node(s); give them another profile first`);
    this.repo.remove(p.id);
    return p;
  }
}
