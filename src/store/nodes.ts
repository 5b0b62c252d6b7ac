import type { Database } from 'better-sqlite3';
import { stmt } from './statements.js';
import { noteInventoryChange } from './changes.js';
import type { BootStage, Node } from '../inventory/types.js';

interface NodeRow {
  id: number;
  mac: string;
  hostname: string;
  ip: string | null;
  node_id: number | null;
  cluster: string | null;
  rack: string | null;
  profile: string | null;
  extra_args: string;
  domain: string | null;
  root_path: string | null;
  dhcp_options: string;
  last_stage: string | null;
  last_stage_at: string | null;
}

const SELECT = `SELECT n.id, n.mac, n.hostname, n.ip, n.node_id, c.name AS cluster, n.rack, p.name AS profile,
  n.extra_args, n.domain, n.root_path, n.dhcp_options, n.last_stage, n.last_stage_at
  FROM nodes n LEFT JOIN clusters c ON c.id = n.cluster_id LEFT JOIN profiles p ON p.id = n.profile_id`;

const toNode = (r: NodeRow): Node => ({
  id: r.id,
  mac: r.mac,
  hostname: r.hostname,
  ip: r.ip,
  nodeId: r.node_id,
  cluster: r.cluster,
  rack: r.rack,
  profile: r.profile,
  extraArgs: r.extra_args,
  domain: r.domain,
  rootPath: r.root_path,
  dhcpOptions: JSON.parse(r.dhcp_options) as Record<string, string>,
  lastStage: r.last_stage as BootStage | null,
  lastStageAt: r.last_stage_at,
});

/** The columns a node is written with (ids already resolved). */
export interface NodeRecord {
  mac: string;
  hostname: string;
  ip: string | null;
  nodeId: number | null;
  clusterId: number | null;
  rack: string | null;
  profileId: number | null;
  extraArgs: string;
  domain: string | null;
  rootPath: string | null;
  dhcpOptions: Record<string, string>;
}

export interface NodeFilter {
  cluster?: string;
  rack?: string;
  stage?: string;
}

export class NodeRepo {
  constructor(private readonly db: Database) {}

  byMac(mac: string): Node | undefined {
    const r = stmt(this.db, `${SELECT} WHERE n.mac = ?`).get(mac) as NodeRow | undefined;
    return r && toNode(r);
  }
  byHostname(hostname: string): Node | undefined {
    const r = stmt(this.db, `${SELECT} WHERE n.hostname = ?`).get(hostname) as NodeRow | undefined;
    return r && toNode(r);
  }
  byIp(ip: string): Node | undefined {
    const r = stmt(this.db, `${SELECT} WHERE n.ip = ?`).get(ip) as NodeRow | undefined;
    return r && toNode(r);
  }
  byRowId(id: number): Node | undefined {
    const r = stmt(this.db, `${SELECT} WHERE n.id = ?`).get(id) as NodeRow | undefined;
    return r && toNode(r);
  }

  list(f: NodeFilter = {}): Node[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.cluster !== undefined) (where.push('c.name = ?'), args.push(f.cluster));
    if (f.rack !== undefined) (where.push('n.rack = ?'), args.push(f.rack));
    if (f.stage !== undefined) (where.push('n.last_stage = ?'), args.push(f.stage));
    const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY c.name, n.node_id, n.hostname`;
    return (stmt(this.db, sql).all(...args) as NodeRow[]).map(toNode);
  }

  /**
   * Every node, for the daemon's in-memory index: a row that cannot be read (say, dhcp_options
   * that is not JSON after a hand edit) is passed to `onBad` and left out, so one bad row does
   * not take every other node's boot down with it.
   */
  listReadable(onBad: (mac: string, e: Error) => void): Node[] {
    const out: Node[] = [];
    for (const r of stmt(this.db, SELECT).all() as NodeRow[]) {
      try {
        out.push(toNode(r));
      } catch (e) {
        onBad(r.mac, e as Error);
      }
    }
    return out;
  }

  /** node_ids in use in a cluster (null = nodes outside any cluster). */
  usedNodeIds(clusterId: number | null, exceptRowId = -1): Set<number> {
    const rows = stmt(this.db, 'SELECT node_id FROM nodes WHERE ifnull(cluster_id, 0) = ? AND node_id IS NOT NULL AND id <> ?')
      .all(clusterId ?? 0, exceptRowId) as { node_id: number }[];
    return new Set(rows.map((r) => r.node_id));
  }

  insert(rec: NodeRecord, createdAt: string): number {
    const info = stmt(this.db, 
        `INSERT INTO nodes (mac, hostname, ip, node_id, cluster_id, rack, profile_id, extra_args, domain, root_path, dhcp_options, created_at)
         VALUES (@mac, @hostname, @ip, @nodeId, @clusterId, @rack, @profileId, @extraArgs, @domain, @rootPath, @dhcpOptions, @createdAt)`,
      )
      .run({ ...rec, dhcpOptions: JSON.stringify(rec.dhcpOptions), createdAt });
    noteInventoryChange(this.db);
    return Number(info.lastInsertRowid);
  }

  update(id: number, rec: NodeRecord): void {
    stmt(this.db, 
        `UPDATE nodes SET mac=@mac, hostname=@hostname, ip=@ip, node_id=@nodeId, cluster_id=@clusterId, rack=@rack,
         profile_id=@profileId, extra_args=@extraArgs, domain=@domain, root_path=@rootPath, dhcp_options=@dhcpOptions WHERE id=@id`,
      )
      .run({ ...rec, dhcpOptions: JSON.stringify(rec.dhcpOptions), id });
    noteInventoryChange(this.db);
  }

  remove(id: number): void {
    stmt(this.db, 'DELETE FROM nodes WHERE id = ?').run(id);
    noteInventoryChange(this.db);
  }
}
