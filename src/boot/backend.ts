import type { BootStage, DiscoveredMachine, Node } from '../inventory/types.js';
import type { OverlayResult } from '../node/overlays/backend.js';
import type { OverlayFile } from '../node/overlays/render.js';

/**
 * The small interface protocol servers (DHCP, TFTP, HTTP, multicast) ask "who is this
 * machine and what does it boot?". Implemented over the SQLite inventory by
 * `inventory/boot-backend.ts`; tests use a fake. Inventory changes take effect without a
 * restart: at once when made in this process (the API), within 1 ms from another (the CLI).
 */
export interface BootBackend {
  /** The registered node with this MAC (canonical or any accepted form), if any. */
  nodeByMac(mac: string): Node | undefined;
  /** The node whose fixed address, or else whose active DHCP lease, is `ip`. */
  nodeByIp(ip: string): Node | undefined;
  /** The node whose fixed inventory address is `ip` (leases not consulted). */
  nodeByFixedIp(ip: string): Node | undefined;
  /**
   * Append a boot event and move the node's last stage. `agoMs` backdates an event known
   * late (a TFTP file whose final ACK never came): it happened that long ago, and moves the
   * last stage only if no later event did.
   */
  recordStage(node: Node, stage: BootStage, detail?: string, agoMs?: number): void;
  /** Remember (or refresh) a PXE client that is not in the inventory. */
  recordDiscovered(d: Omit<DiscoveredMachine, 'firstSeen' | 'lastSeen' | 'seenCount'>): void;
  /**
   * Render a file the loader asks for under `pxelinux.cfg/` (the part after it, e.g.
   * `01-00-02-b3-3f-78-8c`, `0A000120`, `default`, a UUID), for the client at `clientIp`.
   * Returns the bytes to serve, or undefined when this name is not ours to answer
   * (pxelinux then tries the next name).
   */
  renderPxelinuxConfig(name: string, clientIp: string): Buffer | undefined;
  /** The iPXE script for the node with this MAC (or the default for an unknown machine). */
  renderIpxeScript(mac: string | undefined, clientIp: string): Buffer;
  /**
   * The overlay archive (newc cpio) of the node with this MAC (any accepted form), only for
   * the client at that node's own address, fixed or leased. Optional: a backend without
   * overlays (DHCP-only fakes, tests) answers "file not found" through the protocol servers.
   */
  renderOverlay?(mac: string, clientIp: string): OverlayResult;
  /** Every file of that node's overlay as the node will see it (`rackboot render --what overlay`). */
  overlayFiles?(mac: string): OverlayFile[] | undefined;
  /** Which stage serving `path` (as requested, slashes normalised) to `node` means. */
  stageForFile(node: Node, path: string): BootStage | undefined;
}

/** Which boot stage serving `path` to `node` means (loader, config, kernel, initrd), if any. */
export type StageForFile = (node: Node, path: string) => BootStage | undefined;
