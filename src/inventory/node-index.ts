import type { Database, Statement } from 'better-sqlite3';
import { inventoryChanges } from '../store/changes.js';
import { NodeRepo } from '../store/nodes.js';
import type { Node } from './types.js';

/**
 * Every node, in memory, by MAC and by fixed address: the lookups the DHCP and TFTP servers
 * make for every packet. `inventory_version` (migration 0007: triggers on nodes, clusters and
 * profiles) moves on every change from any process, and the index reloads when it has
 * moved. The version is read at most once per `recheckMs` (default 10 ms): even a one-row
 * query costs 2–6 µs when the lease writer's connection keeps committing (each foreign commit
 * empties this connection's page cache), which is a DHCP exchange's whole budget at load.
 * A CLI edit therefore applies to packets that arrive 10 ms after its commit; a change made
 * in this process (the API) is noted by the repos (store/changes.ts) and seen at once.
 *
 * The version must not be read inside a transaction of this connection that may roll back
 * (it would cache uncommitted rows); no caller does.
 *
 * The nodes' `lastStage`/`lastStageAt` are as of the last reload: recording a stage does
 * not move the version (a boot storm would otherwise reload the index for every event).
 */
export class NodeIndex {
  private readonly versionStmt: Statement;
  private readonly repo: NodeRepo;
  private readonly db: Database;
  private version = -1;
  private checkedAt = -Infinity;
  private localSeen = -1;
  /** Nodes whose rows could not be read at the last reload (MAC → reason). */
  unreadable = new Map<string, string>();
  private macs = new Map<string, Node>();
  private ips = new Map<string, Node>();

  constructor(
    db: Database,
    private readonly recheckMs = 10,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.db = db;
    this.versionStmt = db.prepare('SELECT v FROM inventory_version WHERE id = 1').pluck();
    this.repo = new NodeRepo(db);
  }

  /** The node with this canonical MAC (`aa:bb:cc:dd:ee:ff`). */
  byMac(mac: string): Node | undefined {
    this.refresh();
    return this.macs.get(mac);
  }

  /** The node whose fixed address is `ip`. */
  byIp(ip: string): Node | undefined {
    this.refresh();
    return this.ips.get(ip);
  }

  private refresh(): void {
    const t = this.now();
    const local = inventoryChanges(this.db);
    if (t - this.checkedAt < this.recheckMs && local === this.localSeen) return;
    this.checkedAt = t;
    this.localSeen = local;
    const v = this.versionStmt.get() as number;
    if (v === this.version) return;
    const macs = new Map<string, Node>();
    const ips = new Map<string, Node>();
    const unreadable = new Map<string, string>();
    for (const n of this.repo.listReadable((mac, e) => unreadable.set(mac, e.message))) {
      macs.set(n.mac, n);
      if (n.ip !== null) ips.set(n.ip, n);
    }
    for (const [mac, why] of unreadable) {
      if (!this.unreadable.has(mac)) process.emitWarning(`inventory: node ${mac} cannot be read (${why}); it boots as unknown until its row is fixed`, 'RackbootInventory');
    }
    this.macs = macs;
    this.ips = ips;
    this.unreadable = unreadable;
    this.version = v;
  }
}
