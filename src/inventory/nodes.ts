import type { Database } from 'better-sqlite3';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { ClusterRepo } from '../store/clusters.js';
import { isoNow } from '../store/db.js';
import { NodeRepo, type NodeFilter, type NodeRecord } from '../store/nodes.js';
import { ProfileRepo } from '../store/profiles.js';
import { isMac, parseMac } from './mac.js';
import { assignNodeId } from './node-id.js';
import type { Node } from './types.js';
import * as v from './validate.js';

/** What an admin gives to register a node (CLI flags, API JSON, an import line). */
export interface NodeInput {
  mac: string;
  hostname: string;
  ip?: string | null;
  nodeId?: number | null;
  cluster?: string | null;
  rack?: string | null;
  profile?: string | null;
  extraArgs?: string;
  domain?: string | null;
  rootPath?: string | null;
  dhcpOptions?: Record<string, string>;
}

/** A change to a node: absent = keep, null = clear. */
export type NodePatch = Partial<NodeInput>;

function dhcpOptions(opts: Record<string, string>): Record<string, string> {
  for (const [code, value] of Object.entries(opts)) {
    const n = Number(code);
    if (!Number.isInteger(n) || n < 1 || n > 254 || [0, 53, 54, 255].includes(n)) {
      throw new ValidationError(`option code "${code}" must be 1–254 and not 53 (message type) or 54 (server id)`, 'dhcp_options');
    }
    v.oneLine(value, `dhcp_options.${code}`, 510);
  }
  return opts;
}

/** Register, change and remove nodes, enforcing every uniqueness rule with a clear message. */
export class NodeService {
  private readonly nodes: NodeRepo;
  private readonly clusters: ClusterRepo;
  private readonly profiles: ProfileRepo;

  constructor(
    private readonly db: Database,
    private readonly clock: () => number = Date.now,
  ) {
    this.nodes = new NodeRepo(db);
    this.clusters = new ClusterRepo(db);
    this.profiles = new ProfileRepo(db);
  }

  /** A node by hostname, MAC (any accepted form) or fixed IP. */
  find(ref: string): Node | undefined {
    if (isMac(ref)) return this.nodes.byMac(parseMac(ref));
    if (/^\d+\.\d+\.\d+\.\d+$/.test(ref)) return this.nodes.byIp(ref);
    return this.nodes.byHostname(ref.toLowerCase());
  }

  get(ref: string): Node {
    const n = this.find(ref);
    if (!n) throw new NotFoundError(`no node "${ref}" (give a hostname, MAC or fixed IP; see rackboot node list)`);
    return n;
  }

  list(filter: NodeFilter = {}): Node[] {
    return this.nodes.list(filter);
  }

  add(input: NodeInput): Node {
    return this.db.transaction(() => {
      const id = this.nodes.insert(this.toRecord(input, undefined), isoNow(this.clock));
      return this.nodes.byRowId(id)!;
    }).immediate();
  }

  update(ref: string, patch: NodePatch): Node {
    return this.db.transaction(() => {
      const current = this.get(ref);
      const merged: NodeInput = {
        mac: current.mac,
        hostname: current.hostname,
        ip: current.ip,
        nodeId: current.nodeId,
        cluster: current.cluster,
        rack: current.rack,
        profile: current.profile,
        extraArgs: current.extraArgs,
        domain: current.domain,
        rootPath: current.rootPath,
        dhcpOptions: current.dhcpOptions,
      };
      for (const [k, val] of Object.entries(patch)) if (val !== undefined) (merged as unknown as Record<string, unknown>)[k] = val;
      // A cluster change with no explicit node_id asks the new cluster's policy for one.
      if (patch.cluster !== undefined && patch.cluster !== current.cluster && patch.nodeId === undefined) merged.nodeId = null;
      this.nodes.update(current.id, this.toRecord(merged, current));
      return this.nodes.byRowId(current.id)!;
    }).immediate();
  }

  remove(ref: string): Node {
    const n = this.get(ref);
    this.nodes.remove(n.id);
    return n;
  }

  /** Validate input and resolve names to ids; `current` is the node being changed, if any. */
  private toRecord(input: NodeInput, current: Node | undefined): NodeRecord {
    const mac = parseMac(input.mac);
    const hostname = v.hostname(input.hostname);
    const ip = input.ip ? v.ipv4(input.ip) : null;
    const self = current?.id ?? -1;
    const clash = (other: Node | undefined, what: string): void => {
      if (other && other.id !== self) throw new ConflictError(`${what} is already registered to node ${other.hostname} (${other.mac})`);
    };
    clash(this.nodes.byMac(mac), `MAC ${mac}`);
    clash(this.nodes.byHostname(hostname), `hostname ${hostname}`);
    if (ip) clash(this.nodes.byIp(ip), `address ${ip}`);

    const cluster = input.cluster ? this.clusters.byName(input.cluster) : undefined;
    if (input.cluster && !cluster) throw new NotFoundError(`no cluster "${input.cluster}" (create it with: rackboot cluster add ${input.cluster})`);
    const profile = input.profile ? this.profiles.byName(input.profile) : undefined;
    if (input.profile && !profile) throw new NotFoundError(`no profile "${input.profile}" (see rackboot profile list)`);

    const clusterId = cluster?.id ?? null;
    const nodeId = assignNodeId({
          explicit: input.nodeId ?? null,
          ip,
          policy: cluster?.nodeIdPolicy ?? 'lowest-free',
          used: this.nodes.usedNodeIds(clusterId, self),
          where: cluster ? `cluster ${cluster.name}` : 'nodes outside any cluster',
          usedBy: (id) => this.nodes.list(cluster ? { cluster: cluster.name } : {}).find((n) => n.nodeId === id && n.cluster === (cluster?.name ?? null))?.hostname,
        });

    return {
      mac,
      hostname,
      ip,
      nodeId,
      clusterId,
      rack: input.rack ? v.name(input.rack, 'rack') : null,
      profileId: profile?.id ?? null,
      extraArgs: v.kernelArgs(input.extraArgs ?? '', 'extra_args'),
      domain: input.domain ? v.hostname(input.domain, 'domain') : null,
      rootPath: input.rootPath ? v.oneLine(input.rootPath, 'root_path', 255) : null,
      dhcpOptions: dhcpOptions(input.dhcpOptions ?? {}),
    };
  }
}
