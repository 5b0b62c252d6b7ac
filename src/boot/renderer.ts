import type { Cluster, Node, Profile, ProfileLabel } from '../inventory/types.js';
import { ValidationError } from '../errors.js';
import { TemplateStore } from './templates.js';

export interface RendererOptions {
  /** Template folders, searched in order (admin overrides first, then the built-in one). */
  templateDirs: string[];
  /** Base URL boot files are served from over HTTP, for iPXE (e.g. http://10.0.0.1:8080/boot/files). */
  httpBase: string;
  /** For profiles with a push image: the multicast port base and the report-back URL. */
  push?: { portBase: number; reportUrl: string };
  /** rackboot's HTTP address as nodes reach it (IP:PORT), for profiles that boot an image. */
  server?: string;
}

/** The image a profile's initrd receives by multicast after boot. */
export interface PushImage {
  name: string;
  sha256: string;
}

interface LabelView {
  name: string;
  menuLabel: string | null;
  localboot: string | null;
  kernel: string | null;
  initrds: string[];
  append: string;
}

/** The kernel command line of a label for a node: initrd=…, profile args, node_id, the node's extras. */
export function appendLine(label: ProfileLabel, node: Node | null, initrdBase = '', pushArgs = ''): string {
  const parts: string[] = [];
  if (label.initrds.length) parts.push(`initrd=${label.initrds.map((i) => initrdBase + i).join(',')}`);
  if (label.args) parts.push(label.args);
  if (pushArgs) parts.push(pushArgs);
  if (node?.nodeId !== null && node?.nodeId !== undefined) parts.push(`node_id=${node.nodeId}`);
  if (node?.extraArgs) parts.push(node.extraArgs);
  return parts.join(' ');
}

function labelView(l: ProfileLabel, node: Node | null, pushArgs: string): LabelView {
  return {
    name: l.name,
    menuLabel: l.menuLabel,
    localboot: l.localboot === null ? null : String(l.localboot),
    kernel: l.kernel,
    initrds: l.initrds,
    append: l.localboot === null ? appendLine(l, node, '', pushArgs) : '',
  };
}

export const defaultLabel = (p: Profile): ProfileLabel => p.labels.find((l) => l.name === p.defaultLabel) ?? p.labels[0]!;

/** Renders every boot file rackboot serves or exports. Pure given the templates. */
export class Renderer {
  readonly templates: TemplateStore;
  constructor(private readonly opts: RendererOptions) {
    this.templates = new TemplateStore(opts.templateDirs);
  }

  /**
   * Kernel arguments telling the initrd what to receive after boot (replacing dolly's
   * `automatic=method:dolly,…`): image name, its sha256, the udpcast port base, and where
   * to report. Empty when the profile pushes nothing.
   */
  pushArgs(push: PushImage | undefined): string {
    if (!push || !this.opts.push) return '';
    const { portBase, reportUrl } = this.opts.push;
    return `rackboot.image=${push.name} rackboot.sha256=${push.sha256} rackboot.portbase=${portBase} rackboot.report=${reportUrl}`;
  }

  /**
   * Kernel arguments for rackboot's node initrd when the profile boots an image
   * (docs/diskless.md): where rackboot is, the image, how to mount it, and the boot NIC in
   * pxelinux's BOOTIF form. The image's sha256 is not here: the node asks for the current
   * one, so a rebuild between the config and the fetch cannot strand it.
   */
  imageArgs(profile: Profile, node: Node | null): string {
    if (!profile.bootImage || !this.opts.server) return '';
    const args = [`rackboot.server=${this.opts.server}`, `rackboot.image=${profile.bootImage}`, `rackboot.root=${profile.rootMode}`];
    if (node) args.push(`BOOTIF=01-${node.mac.replace(/:/g, '-')}`);
    return args.join(' ');
  }

  private extraArgs(profile: Profile, node: Node | null, push: PushImage | undefined): string {
    return [this.pushArgs(push), this.imageArgs(profile, node)].filter(Boolean).join(' ');
  }

  /** pxelinux.cfg for a node (or an unknown machine when node is null) booting `profile`. */
  pxelinux(profile: Profile, node: Node | null, push?: PushImage): string {
    const pushArgs = this.extraArgs(profile, node, push);
    return this.templates.render(profile.template, {
      display: profile.display,
      f1: profile.f1,
      prompt: profile.prompt,
      timeout: profile.timeout,
      default: defaultLabel(profile).name,
      labels: profile.labels.map((l) => labelView(l, node, pushArgs)),
      node: node ? { hostname: node.hostname, mac: node.mac, nodeId: node.nodeId, ip: node.ip } : null,
    });
  }

  /** What an unregistered machine gets when the policy is local boot. */
  localboot(): string {
    return this.templates.render('localboot', {});
  }

  /** iPXE script booting the profile's default label over HTTP. */
  ipxe(profile: Profile, node: Node | null, push?: PushImage): string {
    const entry = defaultLabel(profile);
    const pushArgs = this.extraArgs(profile, node, push);
    const line = appendLine(entry, node, '', pushArgs);
    if (/&&|\|\||\$\{/.test(line)) throw new ValidationError(`kernel arguments of ${profile.name}/${entry.name} contain iPXE script syntax (&&, || or \${); refusing to render the iPXE script`, 'args');
    return this.templates.render('ipxe', {
      hostname: node?.hostname ?? 'unknown',
      mac: node?.mac ?? 'unknown',
      profile: profile.name,
      base: this.opts.httpBase,
      entry: { ...labelView(entry, node, pushArgs), append: entry.localboot === null ? appendLine({ ...entry, initrds: entry.initrds.map((i) => i.replace(/.*\//, '')) }, node, '', pushArgs) : '' },
    });
  }

  /** /etc/kerrighed_nodes for a cluster: session, nbmin, one hostname:iface line per node. */
  kerrighedNodes(cluster: Cluster, nodes: Node[]): string {
    const sorted = [...nodes].sort((a, b) => (a.nodeId ?? 0) - (b.nodeId ?? 0));
    return this.templates.render('kerrighed_nodes', {
      sessionId: cluster.sessionId,
      nbmin: cluster.nbmin,
      nodes: sorted.map((n) => ({ hostname: n.hostname, iface: cluster.iface, nodeId: n.nodeId, ip: n.ip })),
    });
  }

  dhcpdHosts(nodes: Node[]): string {
    return this.templates.render('dhcpd-hosts', { nodes: nodes.map((n) => ({ hostname: n.hostname, mac: n.mac, ip: n.ip })) });
  }

  hosts(nodes: Node[]): string {
    return this.templates.render('hosts', { nodes: nodes.filter((n) => n.ip).map((n) => ({ hostname: n.hostname, ip: n.ip })) });
  }
}
