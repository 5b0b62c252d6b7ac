import { ConflictError, ValidationError } from '../errors.js';
import type { NodeIdPolicy } from './types.js';

/** Highest node_id accepted; Kerrighed's KERRIGHED_MAX_NODES is far below this. */
export const MAX_NODE_ID = 65535;

export interface NodeIdRequest {
  explicit: number | null; // given by the admin
  ip: string | null; // the node's fixed address
  policy: NodeIdPolicy; // the cluster's policy (lowest-free for nodes outside a cluster)
  used: Set<number>; // ids already taken in the cluster
  where: string; // "cluster krg" — for messages
  usedBy: (id: number) => string | undefined; // hostname holding an id, for messages
}

/** The node_id policies. Duplicates are refused, never silently renumbered. */
export function assignNodeId(r: NodeIdRequest): number {
  const take = (id: number, how: string): number => {
    if (r.used.has(id)) {
      throw new ConflictError(`node_id ${id} (${how}) is already used by ${r.usedBy(id) ?? 'another node'} in ${r.where}; pick another with --node-id`);
    }
    return id;
  };
  if (r.explicit !== null) {
    if (!Number.isInteger(r.explicit) || r.explicit < 0 || r.explicit > MAX_NODE_ID) {
      throw new ValidationError(`${r.explicit} must be a whole number from 0 to ${MAX_NODE_ID}`, 'node_id');
    }
    return take(r.explicit, 'given');
  }
  if (r.policy === 'from-ip') {
    if (r.ip === null) {
      throw new ValidationError(`${r.where} numbers nodes from their address (policy from-ip): give the node a fixed --ip, or an explicit --node-id`, 'node_id');
    }
    return take(nodeIdFromIp(r.ip), `from address ${r.ip}`);
  }
  return lowestFree(r.used);
}

/** The LinuxSSI habit: node_id is the last octet of the node's address (10.0.1.31 → 31). */
export function nodeIdFromIp(ip: string): number {
  return Number(ip.split('.')[3]);
}

/** Lowest free id, counting from 1 as hand-written Kerrighed configs do. */
export function lowestFree(used: Set<number>): number {
  let id = 1;
  while (used.has(id)) id++;
  return id;
}
