/** Domain types of the inventory, in the words an admin reads in man pages and RFCs. */

/** Boot stages, in the order a diskless node reaches them. */
export const BOOT_STAGES = [
  'discover', // DHCPDISCOVER seen from the PXE ROM
  'offer', // DHCPOFFER sent
  'ack', // DHCPACK sent to the PXE ROM
  'loader', // pxelinux.0 / EFI loader fetched over TFTP/HTTP
  'config', // pxelinux.cfg or iPXE script served
  'kernel', // kernel fetched
  'initrd', // initrd fetched
  'os-lease', // the booted OS's own DHCP lease (no PXE vendor class)
  'push-joined', // joined a multicast image push
  'push-done', // received the whole image
  'push-dropped', // dropped from a push
  'image', // rackboot's node initrd started fetching its image (detail: multicast or http)
  'image-ok', // the image arrived and its sha256 matched
  'image-bad', // the image failed its checksum on every attempt: the node stopped, never switched root
  'overlay', // the node fetched and applied its overlay
  'switch-root', // the initrd switched into the image
  'up', // node reported back over HTTP
] as const;
export type BootStage = (typeof BOOT_STAGES)[number];

export type NodeIdPolicy = 'lowest-free' | 'from-ip';

export interface Cluster {
  id: number;
  name: string;
  sessionId: number;
  nbmin: number;
  iface: string;
  nodeIdPolicy: NodeIdPolicy;
}

export interface Node {
  id: number;
  mac: string; // canonical aa:bb:cc:dd:ee:ff
  hostname: string;
  ip: string | null; // fixed IPv4
  nodeId: number | null; // Kerrighed node_id, unique within its cluster
  cluster: string | null;
  rack: string | null;
  profile: string | null;
  extraArgs: string; // appended to the kernel command line
  domain: string | null; // DHCP option 15
  rootPath: string | null; // DHCP option 17, for NFS-root nodes
  dhcpOptions: Record<string, string>; // extra DHCP options: code → hex bytes ("0a0b0c") or text
  lastStage: BootStage | null;
  lastStageAt: string | null; // ISO time
}

/** One entry of a pxelinux menu. */
export interface ProfileLabel {
  name: string;
  menuLabel: string | null;
  localboot: number | null; // LOCALBOOT n instead of a kernel
  kernel: string | null; // path as the loader requests it, e.g. images/vmlinuz-2.6.20-krg
  initrds: string[];
  args: string; // kernel arguments (node_id and per-node extras are appended)
}

export interface Profile {
  id: number;
  name: string;
  template: string; // template name under templates/, e.g. "pxelinux"
  prompt: number;
  timeout: number; // tenths of a second, as pxelinux reads TIMEOUT
  display: string | null; // DISPLAY file
  f1: string | null; // F1 help file
  defaultLabel: string | null; // DEFAULT; the first label when null
  labels: ProfileLabel[];
  /** Image the initrd receives by multicast after boot (udpcast), passed on the kernel command line. */
  pushImage: string | null;
  /** Overlays rendered for each node (src/node/overlays), in order: a later one wins for the same path. */
  overlays: string[];
  /** Image the node initrd boots (docs/diskless.md), rendered as rackboot.image=… */
  bootImage: string | null;
  /** The labels boot the image's own kernel and node initrd (images/NAME/vmlinuz, images/NAME/initrd.gz). */
  kernelFromImage: boolean;
  /** overlay: squashfs read-only under a tmpfs upper layer; ram: the image copied into a tmpfs. */
  rootMode: 'overlay' | 'ram';
}

/** rootfs: a squashfs root filesystem built by `rackboot image build` (docs/diskless.md). */
export type ImageKind = 'kernel' | 'initrd' | 'disk' | 'rootfs';

export interface Image {
  id: number;
  name: string;
  path: string; // absolute, or relative to the images folder
  size: number;
  sha256: string;
  kind: ImageKind;
  addedAt: string;
  kernelVersion: string | null; // rootfs only: the image's own kernel, when its tree had one
  kernelPath: string | null; // that kernel's copy (<NAME>/vmlinuz), like path
}

export interface BootEvent {
  id: number;
  nodeId: number; // nodes.id (row id), not the Kerrighed node_id
  stage: BootStage;
  at: string;
  detail: string | null;
}

/** A PXE client whose MAC is not in the inventory, as DHCP saw it. */
export interface DiscoveredMachine {
  mac: string;
  arch: number | null; // option 93
  uuid: string | null; // option 97
  vendorClass: string | null; // option 60
  giaddr: string | null; // relay address
  circuitId: string | null; // option 82 sub-option 1, as text or hex
  remoteId: string | null; // option 82 sub-option 2
  firstSeen: string;
  lastSeen: string;
  seenCount: number;
}
