import { Option, type Command } from 'commander';
import { NotFoundError } from '../errors.js';
import type { LabelInput, ProfileInput } from '../inventory/profiles.js';
import type { Profile } from '../inventory/types.js';
import type { CliContext } from './context.js';
import { collect, intOption, inventoryOf, json, table, withJson } from './shared.js';

interface LabelFlags {
  kernel?: string;
  initrd?: string[];
  args?: string;
  menuLabel?: string;
  localboot?: number;
}
interface ProfileFlags extends LabelFlags {
  label?: string;
  template?: string;
  prompt?: number;
  timeout?: number;
  display?: string;
  f1?: string;
  default?: string;
  name?: string;
  pushImage?: string;
  overlays?: string[];
  image?: string;
  kernelFromImage?: boolean;
  root?: 'overlay' | 'ram';
}

/** `--overlays a,b,c` → ["a", "b", "c"]; "" → none. */
const overlayList = (value: string): string[] => value.split(',').map((x) => x.trim()).filter(Boolean);

const labelFlags = (cmd: Command): Command =>
  cmd
    .option('--kernel <path>', 'kernel as the loader requests it, e.g. images/vmlinuz-2.6.20-krg')
    .option('--initrd <path>', 'initrd (repeatable, in order)', collect)
    .option('--args <args>', 'kernel arguments (node_id=N and per-node extras are appended)')
    .option('--menu-label <text>', 'MENU LABEL text')
    .option('--localboot <n>', 'LOCALBOOT n instead of a kernel (0 = first disk)', intOption('--localboot'));

const profileFlags = (cmd: Command): Command =>
  labelFlags(cmd)
    .option('--template <name>', 'template under templates/ (default pxelinux)')
    .option('--prompt <0|1>', 'PROMPT', intOption('--prompt'))
    .option('--timeout <tenths>', 'TIMEOUT in tenths of a second', intOption('--timeout'))
    .option('--display <file>', 'DISPLAY file')
    .option('--f1 <file>', 'F1 help file')
    .option('--default <label>', 'DEFAULT label (default: the first)')
    .option('--push-image <image>', 'image the initrd receives by multicast after boot ("" = none); adds rackboot.image/sha256/portbase/report to the kernel line')
    .option('--overlays <a,b,c>', 'overlays rendered for each node, in order, a later one winning for the same path ("" = none; default base)', overlayList)
    .option('--image <name>', 'image the node initrd boots ("" = none); adds rackboot.server/image/root to the kernel line')
    .option('--kernel-from-image', "boot the image's own kernel and node initrd (images/NAME/vmlinuz, images/NAME/initrd.gz): no --kernel needed")
    .option('--no-kernel-from-image', 'the labels name their kernel themselves')
    .addOption(new Option('--root <mode>', 'how the node mounts the image: overlay (read-only squashfs under tmpfs) or ram (copied into tmpfs)').choices(['overlay', 'ram']));

/** The profile-wide flags as a patch (undefined: leave as is). */
const profilePatch = (o: ProfileFlags): Partial<ProfileInput> => ({
  template: o.template,
  prompt: o.prompt,
  timeout: o.timeout,
  display: o.display,
  f1: o.f1,
  defaultLabel: o.default,
  pushImage: o.pushImage,
  overlays: o.overlays,
  bootImage: o.image,
  kernelFromImage: o.kernelFromImage,
  rootMode: o.root,
});

const labelInput = (name: string, o: LabelFlags, base?: LabelInput): LabelInput => ({
  name,
  menuLabel: o.menuLabel ?? base?.menuLabel ?? null,
  localboot: o.localboot ?? (o.kernel ? null : base?.localboot ?? null),
  kernel: o.kernel ?? (o.localboot !== undefined ? null : base?.kernel ?? null),
  initrds: o.initrd ?? (o.localboot !== undefined ? [] : base?.initrds ?? []),
  args: o.args ?? base?.args ?? '',
});

const toInput = (p: Profile): ProfileInput => ({ ...p, labels: p.labels.map((l) => ({ ...l })) });

export function printProfile(p: Profile): string {
  const head = `profile ${p.name}: template ${p.template}, PROMPT ${p.prompt}, TIMEOUT ${p.timeout}${p.display ? `, DISPLAY ${p.display}` : ''}${p.f1 ? `, F1 ${p.f1}` : ''}, DEFAULT ${p.defaultLabel ?? p.labels[0]?.name}${p.pushImage ? `, pushes image ${p.pushImage}` : ''}`;
  const image = p.bootImage ? `boots image ${p.bootImage} (root ${p.rootMode}${p.kernelFromImage ? ", the image's kernel" : ''})` : 'boots no image';
  return `${head}\n${image}; overlays: ${p.overlays.join(', ') || '(none)'}\n${table(['LABEL', 'MENU LABEL', 'KERNEL / LOCALBOOT', 'INITRDS', 'ARGS'], p.labels.map((l) => [l.name, l.menuLabel, l.kernel ?? `LOCALBOOT ${l.localboot}`, l.initrds.join(','), l.args]))}`;
}

export function registerProfileCommands(program: Command, ctx: CliContext): void {
  const profile = program.command('profile').description('boot profiles: what a node boots');

  profileFlags(profile.command('add <name>').description('create a profile with one label').option('--label <name>', 'label name (default: the profile name)')).action(
    (name: string, o: ProfileFlags) => {
      const p = inventoryOf(ctx).profiles.add({ name, ...profilePatch(o), labels: [labelInput(o.label ?? name, o)] });
      ctx.out(printProfile(p));
    },
  );

  profileFlags(
    profile
      .command('set <name>')
      .description('change a profile; label flags change --label (default: the first label)')
      .option('--label <name>', 'which label the kernel/initrd/args flags change')
      .option('--name <new>', 'rename'),
  ).action((name: string, o: ProfileFlags) => {
    const inv = inventoryOf(ctx);
    const cur = toInput(inv.profiles.get(name));
    const idx = o.label ? cur.labels.findIndex((l) => l.name === o.label) : 0;
    if (idx < 0) throw new NotFoundError(`profile ${name} has no label "${o.label}" (add one with: rackboot profile label-add ${name} ${o.label} …)`);
    cur.labels[idx] = labelInput(cur.labels[idx]!.name, o, cur.labels[idx]);
    const p = inv.profiles.update(name, { ...cur, ...profilePatch(o), name: o.name ?? cur.name });
    ctx.out(printProfile(p));
  });

  labelFlags(profile.command('label-add <profile> <label>').description('add a menu label (kernel entry or LOCALBOOT)')).action((name: string, label: string, o: LabelFlags) => {
    const inv = inventoryOf(ctx);
    const cur = toInput(inv.profiles.get(name));
    ctx.out(printProfile(inv.profiles.update(name, { labels: [...cur.labels, labelInput(label, o)] })));
  });

  profile.command('label-rm <profile> <label>').description('remove a menu label').action((name: string, label: string) => {
    const inv = inventoryOf(ctx);
    const cur = toInput(inv.profiles.get(name));
    if (!cur.labels.some((l) => l.name === label)) throw new NotFoundError(`profile ${name} has no label "${label}"`);
    const defaultLabel = cur.defaultLabel === label ? null : cur.defaultLabel;
    ctx.out(printProfile(inv.profiles.update(name, { labels: cur.labels.filter((l) => l.name !== label), defaultLabel })));
  });

  withJson(profile.command('list').description('list profiles')).action((o: { json?: boolean }) => {
    const list = inventoryOf(ctx).profiles.list();
    ctx.out(
      o.json
        ? json(list)
        : table(['NAME', 'TEMPLATE', 'DEFAULT', 'LABELS', 'IMAGE', 'OVERLAYS'], list.map((p) => [p.name, p.template, p.defaultLabel ?? p.labels[0]?.name, p.labels.map((l) => l.name).join(','), p.bootImage, p.overlays.join(',')])),
    );
  });

  withJson(profile.command('show <name>').description('show a profile')).action((name: string, o: { json?: boolean }) => {
    const p = inventoryOf(ctx).profiles.get(name);
    ctx.out(o.json ? json(p) : printProfile(p));
  });

  profile.command('rm <name>').description('remove a profile no node uses').action((name: string) => {
    inventoryOf(ctx).profiles.remove(name);
    ctx.out(`removed profile ${name}`);
  });
}
