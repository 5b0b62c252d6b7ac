import { describe, expect, it } from 'vitest';
import { exitCode, fail, formatJson, formatResults, ok, warn, worst } from '../../../src/check/result.js';

describe('check results', () => {
  it('prints one line per check, status and name padded so the messages line up', () => {
    const text = formatResults([ok('config', '/etc/rackboot.yaml is valid'), warn('interface', 'serverAddress 10.0.0.9 is not on eth1'), fail('tftp-port', 'port 69 is held by in.tftpd (pid 42)')]);
    expect(text).toBe(
      [
        'ok    config     /etc/rackboot.yaml is valid',
        'warn  interface  serverAddress 10.0.0.9 is not on eth1',
        'fail  tftp-port  port 69 is held by in.tftpd (pid 42)',
      ].join('\n'),
    );
  });

  it('indents the further lines of a message under its first', () => {
    expect(formatResults([fail('config', 'invalid config in c.yaml:\n  tftp.port: expected number\n  dhcp.mode: bad')])).toBe(
      'fail  config  invalid config in c.yaml:\n              tftp.port: expected number\n              dhcp.mode: bad',
    );
  });

  it('exits 0 when every check is ok or warn, 1 on any fail', () => {
    expect(exitCode([])).toBe(0);
    expect(exitCode([ok('a', '')])).toBe(0);
    expect(exitCode([ok('a', ''), warn('b', '')])).toBe(0);
    expect(exitCode([warn('b', ''), fail('c', ''), ok('a', '')])).toBe(1);
    expect(worst([ok('a', ''), warn('b', '')])).toBe('warn');
    expect(worst([fail('c', ''), warn('b', '')])).toBe('fail');
  });

  it('--json is an array of {check, status, message}', () => {
    expect(JSON.parse(formatJson([ok('config', 'valid'), fail('database', 'newer')]))).toEqual([
      { check: 'config', status: 'ok', message: 'valid' },
      { check: 'database', status: 'fail', message: 'newer' },
    ]);
  });
});
