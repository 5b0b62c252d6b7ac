import type { Database } from 'better-sqlite3';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { ClusterRepo } from '../store/clusters.js';
import type { Cluster, NodeIdPolicy } from './types.js';
import * as v from './validate.js';

export interface ClusterInput {
  name: string;
  sessionId?: number;
  nbmin?: number;
  iface?: string;
  nodeIdPolicy?: NodeIdPolicy;
}

const POLICIES: NodeIdPolicy[] = ['lowest-free', 'from-ip'];

/** Kerrighed clusters: session id (1–254), nbmin (1–256), node-side interface, node_id policy. */
export class ClusterService {
  private readonly repo: ClusterRepo;
  constructor(db: Database) {
    this.repo = new ClusterRepo(db);
  }

  list(): Cluster[] {
    return this.repo.list();
  }
  find(name: string): Cluster | undefined {
    return this.repo.byName(name);
  }
  get(name: string): Cluster {
    const c = this.repo.byName(name);
    if (!c) throw new NotFoundError(`no cluster "${name}" (see rackboot cluster list)`);
    return c;
  }

  private validate(c: Required<ClusterInput>): Omit<Cluster, 'id'> {
    if (!POLICIES.includes(c.nodeIdPolicy)) throw new ValidationError(`"${c.nodeIdPolicy}" must be one of ${POLICIES.join(', ')}`, 'node_id_policy');
    return {
      name: v.name(c.name, 'name'),
      sessionId: v.intIn(c.sessionId, 1, 254, 'session_id'),
      nbmin: v.intIn(c.nbmin, 1, 256, 'nbmin'),
      iface: v.ifaceName(c.iface),
      nodeIdPolicy: c.nodeIdPolicy,
    };
  }

  add(input: ClusterInput): Cluster {
    if (this.repo.byName(input.name)) throw new ConflictError(`cluster "${input.name}" already exists`);
    const defined = Object.fromEntries(Object.entries(input).filter(([, x]) => x !== undefined));
    const rec = this.validate({ sessionId: 1, nbmin: 1, iface: 'eth0', nodeIdPolicy: 'lowest-free', ...defined } as Required<ClusterInput>);
    this.repo.insert(rec);
    return this.get(rec.name);
  }

  update(name: string, patch: Partial<ClusterInput>): Cluster {
    const cur = this.get(name);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, x]) => x !== undefined));
    const rec = this.validate({ ...cur, ...defined } as Required<ClusterInput>);
    if (rec.name !== cur.name && this.repo.byName(rec.name)) throw new ConflictError(`cluster "${rec.name}" already exists`);
    this.repo.update(cur.id, rec);
    return this.get(rec.name);
  }

  remove(name: string): Cluster {
    const c = this.get(name);
    const n = this.repo.nodeCount(c.id);
    if (n > 0) throw new ConflictError(`cluster "${name}" still has ${n} node(s); move or remove them first`);
    this.repo.remove(c.id);
    return c;
  }
}
