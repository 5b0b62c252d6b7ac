/**
 * The node initrd's parsers, run for real: initrd/lib/rackboot/*.sh sourced by the same
 * static busybox sh that runs them on the node, fed sample command lines and plans.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initrdDir } from '../../../src/paths.js';
import { removeTemp, tempDir } from './initrd-fixture.js';

const LIB = join(initrdDir(), 'lib/rackboot');
const VARS = ['RB_SERVER', 'RB_IMAGE', 'RB_SHA256', 'RB_PORTBASE', 'RB_REPORT', 'RB_ROOT', 'RB_OVERLAY', 'RB_INIT', 'RB_RETRIES', 'RB_SHELL', 'RB_BOOTIF', 'RB_NODE_ID'];

/** Source the parsers, run `body`, and return what it printed as NAME=value pairs (plus the rackboot: lines). */
function sh(body: string, ...args: string[]): { vars: Record<string, string>; out: string } {
  const script = `. ${LIB}/log.sh; . ${LIB}/kv.sh; . ${LIB}/cmdline.sh\n${body}`;
  const out = execFileSync('/bin/busybox', ['sh', '-c', script, 'sh', ...args], { encoding: 'utf8', cwd: tmpdir() });
  const vars: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^@(\w+)=(.*)$/.exec(line);
    if (m) vars[m[1]!] = m[2]!;
  }
  return { vars, out };
}

const dump = (names: string[]): string => names.map((v) => `printf '@%s=%s\\n' ${v} "$${v}"`).join('\n');
const parse = (cmdline: string) => sh(`rb_parse_cmdline "$1"\n${dump(VARS)}`, cmdline);
const SHA = '0123456789abcdef'.repeat(4);

afterAll(removeTemp);

describe('initrd cmdline.sh', () => {
  it('defaults with only the image named', () => {
    expect(parse('console=ttyS0 rackboot.image=deb12').vars).toEqual({
      RB_SERVER: '', RB_IMAGE: 'deb12', RB_SHA256: '', RB_PORTBASE: '9000', RB_REPORT: '', RB_ROOT: 'overlay',
      RB_OVERLAY: '', RB_INIT: '/sbin/init', RB_RETRIES: '3', RB_SHELL: '0', RB_BOOTIF: '', RB_NODE_ID: '',
    });
  });

  it('reads every rackboot.* key, BOOTIF in pxelinux form and node_id', () => {
    const { vars } = parse(
      `BOOT_IMAGE=vmlinuz rackboot.server=10.0.0.1:8081 rackboot.image=deb12 rackboot.sha256=${SHA.toUpperCase()} rackboot.portbase=9002 ` +
        'rackboot.report=http://10.0.0.1:8081/report?x=1&y=2 rackboot.root=ram rackboot.overlay=http://10.0.0.1/o.cpio rackboot.init=/lib/systemd/systemd ' +
        'rackboot.retries=5 rackboot.shell=1 BOOTIF=01-52-54-00-AB-cd-EF node_id=12 rackboot.unknown=x quiet',
    );
    expect(vars).toEqual({
      RB_SERVER: '10.0.0.1:8081', RB_IMAGE: 'deb12', RB_SHA256: SHA, RB_PORTBASE: '9002', RB_REPORT: 'http://10.0.0.1:8081/report?x=1&y=2',
      RB_ROOT: 'ram', RB_OVERLAY: 'http://10.0.0.1/o.cpio', RB_INIT: '/lib/systemd/systemd', RB_RETRIES: '5', RB_SHELL: '1',
      RB_BOOTIF: '52:54:00:ab:cd:ef', RB_NODE_ID: '12',
    });
  });

  it('a server without a port gets 8080; bad values keep the default with a console line', () => {
    const { vars, out } = parse('rackboot.server=10.0.0.1 rackboot.root=disk rackboot.portbase=70000 rackboot.retries=0 rackboot.sha256=abc BOOTIF=aa-bb node_id=x');
    expect(vars).toMatchObject({ RB_SERVER: '10.0.0.1:8080', RB_ROOT: 'overlay', RB_PORTBASE: '9000', RB_RETRIES: '3', RB_SHA256: '', RB_BOOTIF: '', RB_NODE_ID: '' });
    for (const k of ['rackboot.root=disk', 'rackboot.portbase=70000', 'rackboot.retries=0', 'rackboot.sha256=abc', 'BOOTIF=aa-bb', 'node_id=x']) {
      expect(out).toContain(`rackboot: ignoring ${k}: not a valid value`);
    }
  });

  it('never executes a value: $(...), backquotes and ; stay data and are refused', () => {
    const dir = tempDir('cmdline-');
    const pwn = join(dir, 'pwned');
    const { vars } = parse(
      `rackboot.image=$(touch${'${IFS}'}${pwn}) rackboot.server=\`touch${'${IFS}'}${pwn}\` rackboot.init=/sbin/init;touch${'${IFS}'}${pwn} ` +
        `rackboot.report=http://x/$(touch${'${IFS}'}${pwn}) * rackboot.overlay=http://x/a|b`,
    );
    expect(existsSync(pwn)).toBe(false);
    expect(vars).toMatchObject({ RB_IMAGE: '', RB_SERVER: '', RB_INIT: '/sbin/init', RB_REPORT: '', RB_OVERLAY: '' });
  });

  it('defaults that need the lease: server from the DHCP server identifier, report and overlay URLs', () => {
    const d = sh(`rb_parse_cmdline "$1"; rb_apply_defaults 10.0.0.9 52:54:00:ab:cd:ef\n${dump(['RB_SERVER', 'RB_REPORT_URL', 'RB_OVERLAY_URL'])}`, 'rackboot.image=x');
    expect(d.vars).toEqual({ RB_SERVER: '10.0.0.9:8080', RB_REPORT_URL: 'http://10.0.0.9:8080/report', RB_OVERLAY_URL: 'http://10.0.0.9:8080/boot/files/overlay/52:54:00:ab:cd:ef.cpio' });
    const given = sh(`rb_parse_cmdline "$1"; rb_apply_defaults 10.0.0.9 m\n${dump(['RB_SERVER', 'RB_REPORT_URL'])}`, 'rackboot.server=10.0.0.1:80 rackboot.report=http://r/up');
    expect(given.vars).toEqual({ RB_SERVER: '10.0.0.1:80', RB_REPORT_URL: 'http://r/up' });
  });
});

describe('initrd kv.sh plan parser', () => {
  const plan = (text: string) => {
    const file = join(tempDir('plan-'), 'plan');
    writeFileSync(file, text);
    return sh(`rb_parse_plan "$1"; echo "@rc=$?"\n${dump(['PLAN_METHOD', 'PLAN_PORTBASE', 'PLAN_URL', 'PLAN_SHA256', 'PLAN_SIZE', 'PLAN_REASON'])}`, file).vars;
  };

  it('reads the multicast plan rackboot serves (extra keys ignored)', () => {
    expect(plan(`method=multicast\nportbase=9002\npush=17\nurl=http://10.0.0.1:8080/boot/files/images/deb12/root-0123.squashfs\nsha256=${SHA}\nsize=1048576\n`)).toEqual({
      rc: '0', PLAN_METHOD: 'multicast', PLAN_PORTBASE: '9002', PLAN_URL: 'http://10.0.0.1:8080/boot/files/images/deb12/root-0123.squashfs',
      PLAN_SHA256: SHA, PLAN_SIZE: '1048576', PLAN_REASON: '',
    });
  });

  it('tolerates CRLF, a missing final newline and the docs\' trailing comments', () => {
    expect(plan(`method=http        # or multicast\r\nreason=too few nodes came\r\nurl=http://s/i\r\nsha256=${SHA}`)).toMatchObject({
      rc: '0', PLAN_METHOD: 'http', PLAN_URL: 'http://s/i', PLAN_SHA256: SHA, PLAN_REASON: 'too few nodes came',
    });
  });

  it('never executes a line: method=http;reboot, $(...) and backquotes are refused, not run', () => {
    const dir = tempDir('plan-pwn-');
    const pwn = join(dir, 'pwned');
    const vars = plan(
      `method=http;touch ${pwn}\nportbase=$(touch ${pwn})\nurl=http://x/\`touch ${pwn}\`\nsha256=$(touch ${pwn})\nsize=1;touch ${pwn}\n`,
    );
    expect(existsSync(pwn)).toBe(false);
    expect(vars).toMatchObject({ rc: '1', PLAN_METHOD: '', PLAN_PORTBASE: '', PLAN_URL: '', PLAN_SHA256: '', PLAN_SIZE: '' });
  });

  it('a multicast plan without a port base falls back to http', () => {
    expect(plan(`method=multicast\nurl=http://s/i\nsha256=${SHA}\n`)).toMatchObject({ PLAN_METHOD: 'http', PLAN_PORTBASE: '' });
  });
});
