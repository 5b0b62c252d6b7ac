import type { Database } from 'better-sqlite3';
import type { BootBackend } from '../boot/backend.js';
import { classifyConfigName, ipToHex } from '../boot/pxelinux-names.js';
import { defaultLabel, type PushImage, type Renderer } from '../boot/renderer.js';
import { isoNow } from '../store/db.js';
import { DiscoveredRepo } from '../store/discovered.js';
import { EventRepo } from '../store/events.js';
import { ImageRepo } from '../store/images.js';
import { ProfileRepo } from '../store/profiles.js';
import { overlayMethods } from '../node/overlays/backend.js';
import type { NodeOverlays } from '../node/overlays/service.js';
import { canonicalMac } from './mac.js';
import { NodeIndex } from './node-index.js';
import type { Node, Profile } from './types.js';

export interface BootPolicy {
  /** What an unregistered machine boots: local disk, or `defaultProfile`. */
  unknown: 'localboot' | 'profile';
  defaultProfile: string | null;
}

const LOADER = /(^|\/)([^/]+\.(0|c32|e32|e64|efi|kpxe|pxe|lkrn))$/i;

/**
 * BootBackend over the SQLite inventory. Nodes come from a NodeIndex (in memory, reloaded when
 * any process changes the inventory); leases, profiles and images are read on each call.
 */
export function createBootBackend(db: Database, renderer: Renderer, policy: BootPolicy, clock: () => number = Date.now, overlays?: NodeOverlays): BootBackend {
  const nodes = new NodeIndex(db);
  const profiles = new ProfileRepo(db);
  const events = new EventRepo(db);
  const discovered = new DiscoveredRepo(db);
  const images = new ImageRepo(db);
  let leaseLookup: ((ip: string, now: number) => string | undefined) | null = null;

  const leasedMac = (ip: string): string | undefined => {
    if (leaseLookup === null) {
      const hasLeases = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'leases'").get() !== undefined;
      const stmt = hasLeases ? db.prepare("SELECT mac FROM leases WHERE ip = ? AND state = 'bound' AND expires_at > ?") : null;
      leaseLookup = (addr, now) => (stmt?.get(addr, now) as { mac: string } | undefined)?.mac;
    }
    return leaseLookup(ip, clock());
  };
  const nodeByIp = (ip: string): Node | undefined => {
    const fixed = nodes.byIp(ip);
    if (fixed) return fixed;
    const mac = leasedMac(ip);
    return mac ? nodes.byMac(mac) : undefined;
  };
  const profileFor = (node: Node | undefined): Profile | undefined => {
    const name = node ? node.profile ?? policy.defaultProfile : policy.unknown === 'profile' ? policy.defaultProfile : null;
    return name ? profiles.byName(name) : undefined;
  };
  const pushFor = (profile: Profile): PushImage | undefined => {
    const image = profile.pushImage ? images.byName(profile.pushImage) : undefined;
    return image && { name: image.name, sha256: image.sha256 };
  };
  const renderFor = (node: Node | undefined): Buffer => {
    const profile = profileFor(node);
    return Buffer.from(profile ? renderer.pxelinux(profile, node ?? null, pushFor(profile)) : renderer.localboot());
  };

  return {
    ...(overlays && overlayMethods(overlays, { nodeByMac: (mac) => nodes.byMac(mac), nodeByIp, profileFor })),
    nodeByMac: (mac) => {
      const m = canonicalMac(mac);
      return m === undefined ? undefined : nodes.byMac(m);
    },
    nodeByIp,
    nodeByFixedIp: (ip) => nodes.byIp(ip),
    recordStage: (node, stage, detail, agoMs) =>
      events.record(node.id, stage, isoNow(() => clock() - (agoMs ?? 0)), detail ?? null, agoMs !== undefined),
    recordDiscovered: (d) => discovered.upsert(d, isoNow(clock)),

    renderPxelinuxConfig(name, clientIp) {
      const c = classifyConfigName(name);
      switch (c.kind) {
        case 'mac': {
          const node = nodes.byMac(c.mac);
          return node ? renderFor(node) : undefined; // unknown MAC: let pxelinux try the IP names, then default
        }
        case 'ip': {
          const node = c.hex === ipToHex(clientIp) ? nodeByIp(clientIp) : undefined;
          return node ? renderFor(node) : undefined;
        }
        case 'default':
          return renderFor(nodeByIp(clientIp));
        default:
          return undefined;
      }
    },

    renderIpxeScript(mac, clientIp) {
      const canonical = mac ? canonicalMac(mac) : undefined;
      const node = (canonical ? nodes.byMac(canonical) : undefined) ?? nodeByIp(clientIp);
      const profile = profileFor(node);
      if (!profile) return Buffer.from('#!ipxe\necho This machine is not registered in rackboot; booting from local disk\nexit\n');
      return Buffer.from(renderer.ipxe(profile, node ?? null, pushFor(profile)));
    },

    stageForFile(node, path) {
      const p = path.replace(/\\/g, '/').replace(/^\/+/, '');
      if (/(^|\/)pxelinux\.cfg\//.test(p) || p.endsWith('.ipxe')) return 'config';
      const profile = profileFor(node);
      if (profile) {
        const label = defaultLabel(profile);
        const matches = (want: string): boolean => p === want || p.endsWith(`/${want}`) || want.endsWith(`/${p}`);
        for (const l of [label, ...profile.labels]) {
          if (l.kernel && matches(l.kernel)) return 'kernel';
          if (l.initrds.some(matches)) return 'initrd';
        }
      }
      if (LOADER.test(p)) return 'loader';
      return undefined;
    },
  };
}
