import type { Database } from 'better-sqlite3';
import type { Renderer } from '../boot/renderer.js';
import { ValidationError } from '../errors.js';
import { DiscoveredRepo } from '../store/discovered.js';
import { EventRepo } from '../store/events.js';
import { ClusterService } from './clusters.js';
import { applyImport, type ImportFormat, type ImportOptions, type ImportResult } from './import.js';
import { toCsv } from './importers/csv.js';
import { ImageService } from './images.js';
import { parseMac } from './mac.js';
import { NodeService, type NodeInput } from './nodes.js';
import { ProfileService } from './profiles.js';
import type { BootEvent, DiscoveredMachine, Node } from './types.js';
import { NotFoundError } from '../errors.js';

export const EXPORT_FORMATS = ['dhcpd', 'hosts', 'kerrighed', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * The inventory: one object the CLI, the API and the daemon share. Services validate and
 * throw typed errors; every write is one transaction.
 */
export class Inventory {
  readonly nodes: NodeService;
  readonly clusters: ClusterService;
  readonly profiles: ProfileService;
  readonly images: ImageService;
  private readonly events: EventRepo;
  private readonly discovered: DiscoveredRepo;

  constructor(
    readonly db: Database,
    readonly renderer: Renderer,
    opts: { imagesDir: string; clock?: () => number },
  ) {
    const clock = opts.clock ?? Date.now;
    this.nodes = new NodeService(db, clock);
    this.clusters = new ClusterService(db);
    this.profiles = new ProfileService(db);
    this.images = new ImageService(db, opts.imagesDir, clock);
    this.events = new EventRepo(db);
    this.discovered = new DiscoveredRepo(db);
  }

  eventsOf(ref: string): BootEvent[] {
    return this.events.forNode(this.nodes.get(ref).id);
  }

  listDiscovered(): DiscoveredMachine[] {
    return this.discovered.list();
  }

  /** Register a discovered machine as a node in one step; it leaves the discovered list. */
  approveDiscovered(mac: string, input: Omit<NodeInput, 'mac'>): Node {
    const canonical = parseMac(mac);
    if (!this.discovered.byMac(canonical)) throw new NotFoundError(`no discovered machine with MAC ${canonical} (see rackboot node discovered)`);
    return this.db.transaction(() => {
      const node = this.nodes.add({ ...input, mac: canonical });
      this.discovered.remove(canonical);
      return node;
    }).immediate();
  }

  /** All-or-nothing import: one bad line names its number and nothing changes. */
  import(format: ImportFormat, text: string, opts: ImportOptions = {}): ImportResult {
    return this.db.transaction(() => applyImport(format, text, this.nodes, this.clusters, opts)).immediate();
  }

  export(format: ExportFormat, opts: { cluster?: string } = {}): string {
    const nodes = this.nodes.list(opts.cluster ? { cluster: opts.cluster } : {});
    switch (format) {
      case 'dhcpd':
        return this.renderer.dhcpdHosts(nodes);
      case 'hosts':
        return this.renderer.hosts(nodes);
      case 'csv':
        return toCsv(nodes);
      case 'kerrighed':
        if (!opts.cluster) throw new ValidationError('exporting kerrighed_nodes needs --cluster NAME', 'cluster');
        return this.renderer.kerrighedNodes(this.clusters.get(opts.cluster), nodes);
      default:
        throw new ValidationError(`"${String(format)}" must be one of ${EXPORT_FORMATS.join(', ')}`, 'format');
    }
  }
}
