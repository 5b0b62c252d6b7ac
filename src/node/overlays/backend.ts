import type { Node, Profile } from '../../inventory/types.js';
import { canonicalMac } from '../../inventory/mac.js';
import type { OverlayFile } from './render.js';
import type { NodeOverlays } from './service.js';

/** What serving `overlay/<mac>.cpio` comes to: the archive, or why not (404 / 403, TFTP errors 1 / 2). */
export type OverlayResult =
  | { ok: true; node: Node; bytes: Buffer; cached: boolean }
  | { ok: false; refusal: 'not_found' | 'forbidden'; message: string };

/** `overlay/<mac>.cpio` (as TFTP and /boot/files/ see it) → the MAC as written, else undefined. */
export function overlayArchiveMac(path: string): string | undefined {
  return /^overlay\/([^/]+)\.cpio$/.exec(path)?.[1];
}

interface Lookups {
  nodeByMac(mac: string): Node | undefined;
  nodeByIp(ip: string): Node | undefined;
  profileFor(node: Node): Profile | undefined;
}

/**
 * The BootBackend's overlay methods over NodeOverlays. An overlay holds a node's identity
 * (and whatever an admin's overlay adds: keys, tokens), so it goes only to the address the
 * inventory or a live lease gives that node; anyone else learns nothing but "forbidden".
 */
export function overlayMethods(overlays: NodeOverlays, l: Lookups) {
  const byMac = (mac: string): Node | undefined => {
    const m = canonicalMac(mac);
    return m === undefined ? undefined : l.nodeByMac(m);
  };
  return {
    renderOverlay(mac: string, clientIp: string): OverlayResult {
      const node = byMac(mac);
      if (!node) return { ok: false, refusal: 'not_found', message: `no registered node has MAC ${mac}` };
      const at = l.nodeByIp(clientIp);
      if (at?.id !== node.id) return { ok: false, refusal: 'forbidden', message: `the overlay of ${node.hostname} is served only to its own address, not to ${clientIp}` };
      return { ok: true, node, ...overlays.archive(node, l.profileFor(node)) };
    },
    overlayFiles(mac: string): OverlayFile[] | undefined {
      const node = byMac(mac);
      return node && overlays.files(node, l.profileFor(node));
    },
  };
}
