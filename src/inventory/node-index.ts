import type { Database, Statement } from 'better-sqlite3';
import { NodeRepo } from '../store/nodes.js';
import type { Node } from './types.js';

/**
 * Every node, in memory, by MAC and by fixed address: the lookups the DHCP and TFTP servers
 * make for every packet. `inventory_version` (migration 0007: triggers on nodes, clusters and
 * profiles) moves on every change from any process, and the index reloads when it has
 * moved. The version is read at most once per `recheckMs` (default 1 ms): even a one-row
 * query costs 2–6 µs when the lease writer's connection keeps committing (each foreign commit
 * empties this connection's page cache), which is a DHCP exchange's whole budget at load.
 * A CLI edit therefore applies to packets that arrive 1 ms after its commit.
 *
 * The nodes' `lastStage`/`lastStageAt` are as of the last reload: recording a stage does
 * not move the version (a boot storm would otherwise reload the index for every event).
 */
export class NodeIndex {
  private readonly versionStmt: Statement;
  private readonly repo: NodeRepo;
  private version = -1;
  private checkedAt = -Infinity;
  private macs = new Map<string, Node>();
  private ips = new Map<string, Node>();

  constructor(
    db: Database,
    private readonly recheckMs = 1,
    private readonly now: () => number = () => performance.now(),
  ) {
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
    if (t - this.checkedAt < this.recheckMs) return;
    this.checkedAt = t;
    const v = this.versionStmt.get() as number;
    if (v === this.version) return;
    const macs = new Map<string, Node>();
    const ips = new Map<string, Node>();
    for (const n of this.repo.list()) {
      macs.set(n.mac, n);
      if (n.ip !== null) ips.set(n.ip, n);
    }
    this.macs = macs;
    this.ips = ips;
    this.version = v;
  }
}
