import { isIPv4 } from 'node:net';
import { ValidationError } from '../../errors.js';
import type { Cluster, Node, Profile } from '../../inventory/types.js';

/** rackboot's HTTP address as the nodes reach it. */
export interface OverlayServer {
  address: string;
  httpPort: number;
}

/** What one node's overlay is rendered from (read from the inventory on a cache miss). */
export interface OverlayInput {
  node: Node;
  profile: Profile | undefined;
  cluster: Cluster | undefined;
  /** Every node of the node's cluster (just the node when it has none). */
  peers: Node[];
  server: OverlayServer;
  /** /etc/kerrighed_nodes exactly as `rackboot render --what kerrighed_nodes` prints it; null without a cluster. */
  kerrighedNodes: string | null;
}

/**
 * The variables overlay templates see. Every key is always present (null when unknown): the
 * templates are compiled strict, so a typo is an error rather than an empty line.
 */
export function overlayContext(i: OverlayInput): Record<string, unknown> {
  const { node, cluster, profile, server } = i;
  if (!isIPv4(server.address)) throw new ValidationError(`"${server.address}" is not an IPv4 address; refusing to render it into a node's files`, 'serverAddress');
  if (!Number.isInteger(server.httpPort) || server.httpPort < 1 || server.httpPort > 65535) throw new ValidationError(`${server.httpPort} is not a TCP port`, 'http.port');
  const ctx = {
    hostname: node.hostname,
    mac: node.mac,
    ip: node.ip,
    nodeId: node.nodeId,
    rack: node.rack,
    domain: node.domain,
    cluster: cluster ? { name: cluster.name, sessionId: cluster.sessionId, nbmin: cluster.nbmin, iface: cluster.iface } : null,
    profile: profile ? { name: profile.name, bootImage: profile.bootImage, rootMode: profile.rootMode } : null,
    server: { address: server.address, httpPort: server.httpPort, url: `http://${server.address}:${server.httpPort}` },
    // /etc/hosts: the nodes of the cluster that have a fixed address, by node_id then name.
    hosts: i.peers.filter((n) => n.ip !== null).map((n) => ({ ip: n.ip, hostname: n.hostname })),
    nodes: i.peers.map((n) => ({ hostname: n.hostname, mac: n.mac, ip: n.ip, nodeId: n.nodeId })),
  };
  assertOneLine(ctx, '');
  // Rendered by the strict boot TemplateStore, which refused control characters in its inputs.
  return { ...ctx, kerrighedNodes: i.kerrighedNodes };
}

/**
 * Inputs are validated when stored, but a row edited by hand with sqlite3 must not inject a
 * line into /etc/hosts or a systemd unit: every value is one line of printable text.
 */
function assertOneLine(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (/[\u0000-\u001f\u007f]/.test(value)) throw new ValidationError(`contains a newline or control character; refusing to render a node's overlay`, path);
  } else if (Array.isArray(value)) value.forEach((x, i) => assertOneLine(x, `${path}[${i}]`));
  else if (value && typeof value === 'object') for (const [k, x] of Object.entries(value)) assertOneLine(x, path ? `${path}.${k}` : k);
}
