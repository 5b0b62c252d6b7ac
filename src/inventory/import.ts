import { ValidationError } from '../errors.js';
import { parseDollyCfg } from '../multicast/dolly.js';
import type { ClusterService } from './clusters.js';
import { parseCsv } from './importers/csv.js';
import { parseDhcpdHosts } from './importers/dhcpd.js';
import { parseKerrighedNodes } from './importers/kerrighed.js';
import { atLine, type ImportRecord } from './importers/record.js';
import type { NodePatch, NodeService } from './nodes.js';
import type { Node } from './types.js';

export const IMPORT_FORMATS = ['dhcpd', 'dolly', 'kerrighed', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Defaults for nodes an import creates or touches (CLI --cluster/--rack/--profile). */
export interface ImportOptions {
  cluster?: string;
  rack?: string;
  profile?: string;
}

export interface ImportResult {
  added: Node[];
  updated: Node[];
}

function records(format: ImportFormat, text: string, clusters: ClusterService, opts: ImportOptions): ImportRecord[] {
  switch (format) {
    case 'dhcpd':
      return parseDhcpdHosts(text);
    case 'csv':
      return parseCsv(text);
    case 'dolly': {
      const cfg = parseDollyCfg(text);
      const lines = text.split(/\r?\n/).map((l) => l.replace(/#.*$/, '').trim());
      return cfg.clients.map((h) => ({ line: lines.indexOf(h) + 1, hostname: h }));
    }
    case 'kerrighed': {
      const k = parseKerrighedNodes(text);
      if (!opts.cluster) throw new ValidationError('importing kerrighed_nodes needs --cluster NAME (the cluster its session belongs to)', 'cluster');
      const patch = { sessionId: k.sessionId ?? undefined, nbmin: k.nbmin ?? undefined, iface: k.iface ?? undefined };
      if (clusters.find(opts.cluster)) clusters.update(opts.cluster, patch);
      else clusters.add({ name: opts.cluster, ...patch });
      return k.nodes;
    }
  }
}

/**
 * Apply an import all-or-nothing: the caller runs this inside one transaction, and the
 * first bad line throws a ValidationError naming its line, so nothing is written.
 * A record naming a known node (by MAC, hostname or address) updates it; a record with a
 * MAC and hostname adds a node; anything else cannot be placed and is refused.
 */
export function applyImport(format: ImportFormat, text: string, nodes: NodeService, clusters: ClusterService, opts: ImportOptions): ImportResult {
  if (!IMPORT_FORMATS.includes(format)) throw new ValidationError(`"${format}" must be one of ${IMPORT_FORMATS.join(', ')}`, 'format');
  const result: ImportResult = { added: [], updated: [] };
  for (const r of records(format, text, clusters, opts)) {
    atLine(r.line, () => {
      const existing = (r.mac && nodes.find(r.mac)) || (r.hostname && nodes.find(r.hostname)) || (r.ip && nodes.find(r.ip)) || undefined;
      const fields: NodePatch = {
        ...(r.mac !== undefined && { mac: r.mac }),
        ...(r.hostname !== undefined && { hostname: r.hostname }),
        ...(r.ip !== undefined && { ip: r.ip }),
        ...(r.nodeId !== undefined && { nodeId: r.nodeId }),
        ...(r.rootPath !== undefined && { rootPath: r.rootPath }),
        cluster: r.cluster ?? opts.cluster ?? existing?.cluster ?? undefined,
        rack: r.rack ?? opts.rack ?? existing?.rack ?? undefined,
        profile: r.profile ?? opts.profile ?? existing?.profile ?? undefined,
      };
      if (existing) {
        result.updated.push(nodes.update(existing.mac, fields));
      } else if (r.mac && r.hostname) {
        result.added.push(nodes.add({ ...fields, mac: r.mac, hostname: r.hostname }));
      } else {
        const who = r.hostname ?? r.ip ?? '?';
        throw new ValidationError(`${who} is not in the inventory and this ${format} line has no MAC; import the dhcpd host blocks or a CSV with MACs first`);
      }
    });
  }
  return result;
}
