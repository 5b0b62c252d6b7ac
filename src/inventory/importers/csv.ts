import { ValidationError } from '../../errors.js';
import { parseIntField } from '../validate.js';
import { atLine, type ImportRecord } from './record.js';

const COLUMNS = ['mac', 'hostname', 'ip', 'node_id', 'cluster', 'rack', 'profile'] as const;
type Column = (typeof COLUMNS)[number];

/** Split one CSV line (RFC 4180 quoting: "a,b" and "" for a quote). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') out.push(cur), (cur = '');
    else cur += c;
  }
  if (q) throw new ValidationError('unterminated quote');
  out.push(cur);
  return out.map((s) => s.trim());
}

/**
 * CSV `mac,hostname,ip,node_id`. A header line naming columns (any of mac, hostname, ip,
 * node_id, cluster, rack, profile, in any order) is optional; without one the columns are
 * mac,hostname,ip,node_id. Empty cells mean "not given". `#` lines and blank lines are skipped.
 */
export function parseCsv(text: string): ImportRecord[] {
  let columns: Column[] = ['mac', 'hostname', 'ip', 'node_id'];
  const out: ImportRecord[] = [];
  text.split(/\r?\n/).forEach((raw, idx) => {
    const line = idx + 1;
    if (!raw.trim() || raw.trim().startsWith('#')) return;
    const cells = atLine(line, () => splitCsvLine(raw));
    if (out.length === 0 && cells[0]?.toLowerCase() === 'mac') {
      columns = cells.map((c) => {
        const col = c.toLowerCase().replace(/[- ]/g, '_') as Column;
        if (!COLUMNS.includes(col)) throw new ValidationError(`line ${line}: unknown column "${c}" (known: ${COLUMNS.join(', ')})`);
        return col;
      });
      return;
    }
    if (cells.length > columns.length) throw new ValidationError(`line ${line}: ${cells.length} fields, expected at most ${columns.length} (${columns.join(',')})`);
    const rec: ImportRecord = { line };
    cells.forEach((cell, i) => {
      if (cell === '') return;
      const col = columns[i]!;
      if (col === 'node_id') rec.nodeId = atLine(line, () => parseIntField(cell, 'node_id'));
      else if (col === 'mac') rec.mac = cell;
      else if (col === 'hostname') rec.hostname = cell;
      else if (col === 'ip') rec.ip = cell;
      else rec[col] = cell;
    });
    out.push(rec);
  });
  return out;
}

const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function toCsv(rows: { mac: string; hostname: string; ip: string | null; nodeId: number | null; cluster: string | null; rack: string | null; profile: string | null }[]): string {
  const lines = ['mac,hostname,ip,node_id,cluster,rack,profile'];
  for (const r of rows) lines.push([r.mac, r.hostname, r.ip ?? '', r.nodeId ?? '', r.cluster ?? '', r.rack ?? '', r.profile ?? ''].map((x) => quote(String(x))).join(','));
  return `${lines.join('\n')}\n`;
}
