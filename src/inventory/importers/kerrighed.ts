import { ValidationError } from '../../errors.js';
import { parseIntField } from '../validate.js';
import { atLine, stripComment, type ImportRecord } from './record.js';

export interface KerrighedNodes {
  sessionId: number | null;
  nbmin: number | null;
  iface: string | null;
  nodes: (ImportRecord & { iface: string })[];
}

/**
 * /etc/kerrighed_nodes: `session=N`, `nbmin=N`, then one line per node, either
 * `hostname:iface` (rackboot's export) or `address:node_id:iface` (Kerrighed 2.x docs).
 * A node line names a host already in the inventory (by hostname or fixed address).
 */
export function parseKerrighedNodes(text: string): KerrighedNodes {
  const res: KerrighedNodes = { sessionId: null, nbmin: null, iface: null, nodes: [] };
  text.split(/\r?\n/).forEach((raw, idx) => {
    const line = idx + 1;
    const s = stripComment(raw).trim();
    if (!s) return;
    const kv = /^(session|nbmin)\s*=\s*(\S+)$/.exec(s);
    if (kv) {
      const n = atLine(line, () => parseIntField(kv[2]!, kv[1]!));
      if (kv[1] === 'session') res.sessionId = n;
      else res.nbmin = n;
      return;
    }
    const parts = s.split(':');
    if (parts.length === 2 && parts[0] && parts[1]) {
      res.nodes.push({ line, hostname: parts[0], iface: parts[1] });
    } else if (parts.length === 3 && parts[0] && parts[2]) {
      const nodeId = atLine(line, () => parseIntField(parts[1]!, 'node_id'));
      const isIp = /^\d+\.\d+\.\d+\.\d+$/.test(parts[0]);
      res.nodes.push({ line, ...(isIp ? { ip: parts[0] } : { hostname: parts[0] }), nodeId, iface: parts[2] });
    } else {
      throw new ValidationError(`line ${line}: "${s}" is not session=N, nbmin=N, hostname:iface or address:node_id:iface`);
    }
    res.iface ??= res.nodes.at(-1)!.iface;
  });
  return res;
}
