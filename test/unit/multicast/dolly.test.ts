import { describe, expect, it } from 'vitest';
import { parseDollyCfg } from '../../../src/multicast/dolly.js';
import { ValidationError } from '../../../src/errors.js';

const SAMPLE = `infile /images/krg-root.img
outfile /dev/sda1
server master
firstclient node01
lastclient node04
clients 4
node01
node02
node03
node04
endconfig
`;

function errorOf(text: string): ValidationError {
  try {
    parseDollyCfg(text);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('parseDollyCfg', () => {
  it('reads the keywords and the client list', () => {
    expect(parseDollyCfg(SAMPLE)).toEqual({
      infile: '/images/krg-root.img',
      outfile: '/dev/sda1',
      server: 'master',
      firstclient: 'node01',
      lastclient: 'node04',
      clients: ['node01', 'node02', 'node03', 'node04'],
      compressed: false,
      ignored: [],
    });
  });

  it('accepts CRLF, comments, compressed and dolly-only tuning keywords', () => {
    const text = 'infile /x.img\r\n# chain\r\ncompressed\r\nsegsize 4096\r\nfanout 1\r\nclients 1\r\nn1\r\nendconfig\r\n';
    const cfg = parseDollyCfg(text);
    expect(cfg.compressed).toBe(true);
    expect(cfg.ignored).toEqual(['segsize', 'fanout']);
    expect(cfg.outfile).toBe('/x.img');
    expect(cfg.clients).toEqual(['n1']);
  });

  it.each([
    ['unknown keyword', 'infile /x\nbogus 1\nclients 1\nn1\nendconfig\n', /line 2: unknown keyword "bogus"/],
    ['short client list', 'infile /x\nclients 3\nn1\nn2\n', /clients announced 3 hosts but only 2 follow/],
    ['missing endconfig', 'infile /x\nclients 1\nn1\n', /missing endconfig/],
    ['no clients line', 'infile /x\nendconfig\n', /no "clients N" line/],
    ['bad count', 'infile /x\nclients zero\n', /line 2: clients needs a positive count/],
    ['bad host', 'infile /x\nclients 1\nn_1!\nendconfig\n', /line 3: client line needs a host name/],
    ['text after endconfig', 'infile /x\nclients 1\nn1\nendconfig\nserver s\n', /line 5: text after endconfig/],
    ['firstclient mismatch', 'infile /x\nfirstclient n2\nclients 2\nn1\nn2\nendconfig\n', /line 2: firstclient n2 is not the first/],
    ['lastclient mismatch', 'infile /x\nlastclient n1\nclients 2\nn1\nn2\nendconfig\n', /line 2: lastclient n1 is not the last/],
    ['duplicate client', 'infile /x\nclients 2\nn1\nn1\nendconfig\n', /client n1 listed twice/],
    ['server as client', 'infile /x\nserver n1\nclients 1\nn1\nendconfig\n', /server n1 is also listed/],
    ['no infile', 'clients 1\nn1\nendconfig\n', /no infile/],
    ['host line with spaces', 'infile /x\nclients 1\nn1 n2\nendconfig\n', /line 3: expected a client host name/],
  ])('rejects %s with a line-numbered ValidationError', (_name, text, message) => {
    const e = errorOf(text);
    expect(e.field).toBe('dolly.cfg');
    expect(e.message).toMatch(message);
  });
});
