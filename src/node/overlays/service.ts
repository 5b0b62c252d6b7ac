import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import type { Renderer } from '../../boot/renderer.js';
import type { Node, Profile } from '../../inventory/types.js';
import { inventoryChanges } from '../../store/changes.js';
import { ClusterRepo } from '../../store/clusters.js';
import { NodeRepo } from '../../store/nodes.js';
import { overlayArchive } from './archive.js';
import { OverlayCache } from './cache.js';
import type { OverlayCatalog } from './catalog.js';
import { overlayContext, type OverlayServer } from './context.js';
import { OverlayRenderer, type OverlayFile } from './render.js';

export interface NodeOverlaysOptions {
  catalog: OverlayCatalog;
  /** The boot renderer: /etc/kerrighed_nodes is its kerrighedNodes output, byte for byte. */
  renderer: Renderer;
  /** Its template folders, so an admin's kerrighed_nodes.hbs edit invalidates cached overlays. */
  templateDirs: readonly string[];
  server: OverlayServer;
  cacheSize?: number;
}

/** A profile-less node still gets its hostname, network and up report. */
const DEFAULT_OVERLAYS = ['base'];

/** Each node's overlay, rendered from the inventory at request time and cached until something changes. */
export class NodeOverlays {
  readonly cache: OverlayCache;
  /** Archives actually rendered (cache misses that got as far as rendering). */
  renders = 0;
  readonly catalog: OverlayCatalog;
  private readonly renderer: OverlayRenderer;
  private readonly nodes: NodeRepo;
  private readonly clusters: ClusterRepo;
  private readonly version: Statement;

  constructor(
    private readonly db: Database,
    private readonly opts: NodeOverlaysOptions,
  ) {
    this.catalog = opts.catalog;
    this.cache = new OverlayCache(opts.cacheSize);
    this.renderer = new OverlayRenderer(opts.catalog);
    this.nodes = new NodeRepo(db);
    this.clusters = new ClusterRepo(db);
    this.version = db.prepare('SELECT v FROM inventory_version WHERE id = 1').pluck();
  }

  /** Every file of `node`'s overlay (booting `profile`), rendered now. */
  files(node: Node, profile: Profile | undefined): OverlayFile[] {
    return this.render(node, profile, this.renderer.walk(profile?.overlays ?? DEFAULT_OVERLAYS));
  }

  /** The node's overlay archive; `cached` when nothing it is made of changed since the last render. */
  archive(node: Node, profile: Profile | undefined): { bytes: Buffer; cached: boolean } {
    const walked = this.renderer.walk(profile?.overlays ?? DEFAULT_OVERLAYS);
    const stamp = [this.version.get(), inventoryChanges(this.db), this.templateStamp(), OverlayRenderer.signature(walked)].join('\n');
    const key = `${node.id}/${node.mac}`;
    const hit = this.cache.get(key, stamp);
    if (hit) return { bytes: hit, cached: true };
    const bytes = overlayArchive(this.render(node, profile, walked));
    this.renders++;
    this.cache.set(key, stamp, bytes);
    return { bytes, cached: false };
  }

  private render(node: Node, profile: Profile | undefined, walked: ReturnType<OverlayRenderer['walk']>): OverlayFile[] {
    const cluster = node.cluster === null ? undefined : this.clusters.byName(node.cluster);
    const peers = cluster ? this.nodes.list({ cluster: cluster.name }) : [node];
    const kerrighedNodes = cluster ? this.opts.renderer.kerrighedNodes(cluster, peers) : null;
    const ctx = overlayContext({ node, profile, cluster, peers, server: this.opts.server, kerrighedNodes });
    return this.renderer.render(walked, ctx);
  }

  private templateStamp(): string {
    for (const dir of this.opts.templateDirs) {
      const file = join(dir, 'kerrighed_nodes.hbs');
      if (existsSync(file)) return `${file}|${statSync(file).mtimeMs}`;
    }
    return '';
  }
}
