import type { Database } from 'better-sqlite3';
import { stmt } from './statements.js';
import { noteInventoryChange } from './changes.js';
import type { Cluster, NodeIdPolicy } from '../inventory/types.js';

interface ClusterRow {
  id: number;
  name: string;
  session_id: number;
  nbmin: number;
  iface: string;
  node_id_policy: NodeIdPolicy;
}

const toCluster = (r: ClusterRow): Cluster => ({
  id: r.id,
  name: r.name,
  sessionId: r.session_id,
  nbmin: r.nbmin,
  iface: r.iface,
  nodeIdPolicy: r.node_id_policy,
});

export type ClusterRecord = Omit<Cluster, 'id'>;

export class ClusterRepo {
  constructor(private readonly db: Database) {}

  byName(name: string): Cluster | undefined {
    const r = stmt(this.db, 'SELECT * FROM clusters WHERE name = ?').get(name) as ClusterRow | undefined;
    return r && toCluster(r);
  }
  list(): Cluster[] {
    return (stmt(this.db, 'SELECT * FROM clusters ORDER BY name').all() as ClusterRow[]).map(toCluster);
  }
  insert(c: ClusterRecord): number {
    const info = stmt(this.db, 'INSERT INTO clusters (name, session_id, nbmin, iface, node_id_policy) VALUES (@name, @sessionId, @nbmin, @iface, @nodeIdPolicy)')
      .run(c);
    return Number(info.lastInsertRowid);
  }
  update(id: number, c: ClusterRecord): void {
    stmt(this.db, 'UPDATE clusters SET name=@name, session_id=@sessionId, nbmin=@nbmin, iface=@iface, node_id_policy=@nodeIdPolicy WHERE id=@id')
      .run({ ...c, id });
    noteInventoryChange(this.db);
  }
  remove(id: number): void {
    stmt(this.db, 'DELETE FROM clusters WHERE id = ?').run(id);
  }
  nodeCount(id: number): number {
    return (stmt(this.db, 'SELECT count(*) AS n FROM nodes WHERE cluster_id = ?').get(id) as { n: number }).n;
  }
}
