import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { checkInterface, provisioning } from '../../../src/check/interface.js';
import { parseConfig } from '../../../src/config.js';

const v4 = (address: string, mac = '52:54:00:00:00:01'): NetworkInterfaceInfo => ({ address, netmask: '255.255.255.0', family: 'IPv4', mac, internal: false, cidr: `${address}/24` });
const IFACES = { lo: [{ ...v4('127.0.0.1', '00:00:00:00:00:00'), internal: true, cidr: '127.0.0.1/8' }], eth0: [v4('192.168.1.10')], eth1: [v4('10.0.0.1', '52:54:00:aa:bb:cc')], eth2: [] };
const cfg = (raw: Record<string, unknown>) => parseConfig(raw, '/tmp');

describe('the interface check', () => {
  it('ok when the interface has an address and serverAddress is on it', () => {
    expect(checkInterface(cfg({ interface: 'eth1', serverAddress: '10.0.0.1' }), IFACES)).toMatchObject({ status: 'ok', message: 'eth1 has 10.0.0.1/24; nodes reach rackboot at 10.0.0.1' });
  });
  it('fails for a missing interface or one without IPv4, listing the ones there are', () => {
    expect(checkInterface(cfg({ interface: 'eth9' }), IFACES)).toMatchObject({ status: 'fail', message: expect.stringContaining('no such interface on this machine (interfaces with IPv4: lo 127.0.0.1, eth0 192.168.1.10, eth1 10.0.0.1)') });
    expect(checkInterface(cfg({ dhcp: { interface: 'eth2' } }), IFACES)).toMatchObject({ status: 'fail', message: expect.stringContaining('dhcp.interface eth2 has no IPv4 address') });
  });
  it('warns when serverAddress is not on the interface', () => {
    expect(checkInterface(cfg({ interface: 'eth1', serverAddress: '192.168.1.10' }), IFACES)).toMatchObject({ status: 'warn', message: expect.stringContaining('serverAddress 192.168.1.10 is not on eth1 (10.0.0.1/24), it is on eth0') });
  });
  it('finds the provisioning interface as serve does', () => {
    expect(provisioning(cfg({ interface: 'eth1' }), IFACES)).toEqual({ name: 'eth1', address: '10.0.0.1', mac: '52:54:00:aa:bb:cc', serverAddress: '10.0.0.1' });
    expect(provisioning(cfg({ serverAddress: '10.0.0.1' }), IFACES).name).toBe('eth1');
  });
});
