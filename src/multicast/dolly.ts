import { ValidationError } from '../errors.js';

/**
 * A dolly.cfg, as dolly 0.5x reads it: keyword lines, then `clients N` followed by N host
 * lines, then `endconfig`. rackboot uses it to run the equivalent multicast push
 * (`rackboot push --dolly`) and the inventory importer reuses it for the client list.
 */
export interface DollyConfig {
  infile: string;
  outfile: string;
  server: string | null;
  firstclient: string | null;
  lastclient: string | null;
  /** Host lines after `clients N`, in chain order. */
  clients: string[];
  compressed: boolean;
  /** dolly-only tuning keywords that have no multicast meaning (segsize, fanout, add …). */
  ignored: string[];
}

const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const IGNORED_WITH_ARG = new Set(['segsize', 'fanout', 'add', 'split']);
const IGNORED_FLAGS = new Set(['hyphennames', 'hostnames']);

function fail(line: number, message: string): never {
  throw new ValidationError(`line ${line}: ${message}`, 'dolly.cfg');
}

function host(value: string | undefined, line: number, keyword: string): string {
  if (value === undefined || !HOST.test(value)) fail(line, `${keyword} needs a host name, got ${value ?? 'nothing'}`);
  return value;
}

/** Parse dolly.cfg text; throws a line-numbered ValidationError on bad input. */
export function parseDollyCfg(text: string): DollyConfig {
  const cfg: DollyConfig = {
    infile: '',
    outfile: '',
    server: null,
    firstclient: null,
    lastclient: null,
    clients: [],
    compressed: false,
    ignored: [],
  };
  let expected: number | null = null; // host lines still to read after `clients N`
  let ended = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const trimmed = lines[i]!.replace(/#.*$/, '').trim();
    if (trimmed === '') continue;
    if (ended) fail(n, `text after endconfig: ${trimmed}`);
    const [keyword, ...args] = trimmed.split(/\s+/);
    if (expected !== null && expected > 0) {
      if (args.length > 0) fail(n, `expected a client host name, got "${trimmed}"`);
      cfg.clients.push(host(keyword, n, 'client line'));
      expected--;
      continue;
    }
    if (args.length > 1) fail(n, `too many values for ${keyword}`);
    const value = args[0];
    switch (keyword) {
      case 'infile':
      case 'outfile':
        if (value === undefined) fail(n, `${keyword} needs a path`);
        cfg[keyword] = value;
        break;
      case 'server':
      case 'firstclient':
      case 'lastclient':
        cfg[keyword] = host(value, n, keyword);
        break;
      case 'clients': {
        if (expected !== null) fail(n, 'clients given twice');
        if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1) fail(n, `clients needs a positive count, got ${value ?? 'nothing'}`);
        expected = Number(value);
        break;
      }
      case 'compressed':
        if (value !== undefined) fail(n, 'compressed takes no value');
        cfg.compressed = true;
        break;
      case 'endconfig':
        if (value !== undefined) fail(n, 'endconfig takes no value');
        ended = true;
        break;
      default:
        if (keyword !== undefined && (IGNORED_WITH_ARG.has(keyword) || IGNORED_FLAGS.has(keyword))) {
          cfg.ignored.push(keyword);
          break;
        }
        fail(n, `unknown keyword "${keyword}"`);
    }
  }
  const last = lines.length;
  if (expected === null) fail(last, 'no "clients N" line');
  if (expected > 0) fail(last, `clients announced ${cfg.clients.length + expected} hosts but only ${cfg.clients.length} follow`);
  if (!ended) fail(last, 'missing endconfig');
  if (cfg.infile === '') fail(last, 'no infile');
  if (cfg.outfile === '') cfg.outfile = cfg.infile;
  checkChainEnds(cfg, lines);
  return cfg;
}

function lineOf(lines: string[], keyword: string): number {
  const i = lines.findIndex((l) => l.trim().startsWith(`${keyword} `) || l.trim() === keyword);
  return i < 0 ? lines.length : i + 1;
}

/** dolly's firstclient/lastclient name the ends of the chain; they must agree with the list. */
function checkChainEnds(cfg: DollyConfig, lines: string[]): void {
  const dup = cfg.clients.find((c, i) => cfg.clients.indexOf(c) !== i);
  if (dup !== undefined) fail(lineOf(lines, 'clients'), `client ${dup} listed twice`);
  if (cfg.firstclient !== null && cfg.firstclient !== cfg.clients[0]) {
    fail(lineOf(lines, 'firstclient'), `firstclient ${cfg.firstclient} is not the first client line (${cfg.clients[0]})`);
  }
  if (cfg.lastclient !== null && cfg.lastclient !== cfg.clients.at(-1)) {
    fail(lineOf(lines, 'lastclient'), `lastclient ${cfg.lastclient} is not the last client line (${cfg.clients.at(-1)})`);
  }
  if (cfg.server !== null && cfg.clients.includes(cfg.server)) {
    fail(lineOf(lines, 'server'), `server ${cfg.server} is also listed as a client`);
  }
}
