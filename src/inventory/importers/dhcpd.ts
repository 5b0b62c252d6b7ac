import { ValidationError } from '../../errors.js';
import { parseMac } from '../mac.js';
import * as v from '../validate.js';
import { atLine, stripComment, type ImportRecord } from './record.js';

/**
 * ISC dhcpd host declarations:
 *   host node31 { hardware ethernet 00:02:b3:3f:78:8c; fixed-address 10.0.1.31; }
 * `option host-name` overrides the declaration name; `option root-path` is kept for
 * NFS-root nodes; other statements (filename, next-server…) are rackboot's job now and
 * are ignored. Anything outside host blocks (subnet, group braces) is skipped.
 */
export function parseDhcpdHosts(text: string): ImportRecord[] {
  const tokens = tokenize(text);
  const out: ImportRecord[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.t !== 'host') continue;
    const start = tokens[i]!.line;
    const name = tokens[++i];
    if (!name || tokens[++i]?.t !== '{') throw new ValidationError(`line ${start}: expected "host NAME {"`);
    const rec: ImportRecord = { line: start, hostname: name.t };
    let stmt: { t: string; line: number }[] = [];
    for (i++; i < tokens.length && tokens[i]!.t !== '}'; i++) {
      if (tokens[i]!.t !== ';') {
        stmt.push(tokens[i]!);
        continue;
      }
      applyStatement(rec, stmt);
      stmt = [];
    }
    if (i >= tokens.length) throw new ValidationError(`line ${start}: host ${name.t} has no closing "}"`);
    if (stmt.length) throw new ValidationError(`line ${stmt[0]!.line}: statement without ";"`);
    if (!rec.mac) throw new ValidationError(`line ${start}: host ${name.t} has no "hardware ethernet" MAC`);
    atLine(start, () => v.hostname(rec.hostname!));
    out.push(rec);
  }
  return out;
}

function applyStatement(rec: ImportRecord, s: { t: string; line: number }[]): void {
  const words = s.map((x) => x.t);
  const line = s[0]!.line;
  if (words[0] === 'hardware' && words[1] === 'ethernet' && words[2]) rec.mac = atLine(line, () => parseMac(words[2]!));
  else if (words[0] === 'fixed-address' && words[1]) rec.ip = atLine(line, () => v.ipv4(words[1]!.replace(/,$/, '')));
  else if (words[0] === 'option' && words[1] === 'host-name' && words[2]) rec.hostname = unquote(words[2]);
  else if (words[0] === 'option' && words[1] === 'root-path' && words[2]) rec.rootPath = unquote(words[2]);
}

const unquote = (s: string): string => s.replace(/^"(.*)"$/, '$1');

function tokenize(text: string): { t: string; line: number }[] {
  const out: { t: string; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, idx) => {
    const re = /"[^"]*"|[{};]|[^\s{};"]+/g;
    for (const m of stripComment(raw).matchAll(re)) out.push({ t: m[0], line: idx + 1 });
  });
  return out;
}
