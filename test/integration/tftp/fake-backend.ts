import type { BootBackend } from '../../../src/boot/backend.js';
import type { BootStage, Node } from '../../../src/inventory/types.js';
import { testNode } from '../../helpers/nodes.js';

export const node1: Node = testNode('00:02:b3:3f:78:8c', 'node1', { ip: '127.0.0.1', nodeId: 1, profile: 'krg' });

/** A plain-object BootBackend: one node at 127.0.0.1, configs by name, stages recorded in `stages`. */
export function fakeBackend(configs: Record<string, string>): BootBackend & {
  stages: Array<{ node: string; stage: BootStage; detail?: string; at?: number }>;
  renders: Array<{ name: string; ip: string }>;
  failNodeByIp: boolean;
} {
  const b = {
    stages: [] as Array<{ node: string; stage: BootStage; detail?: string; at?: number }>,
    renders: [] as Array<{ name: string; ip: string }>,
    failNodeByIp: false,
    nodeByMac: () => undefined,
    nodeByIp(ip: string) {
      if (b.failNodeByIp) throw new Error('database is locked');
      return ip === node1.ip ? node1 : undefined;
    },
    nodeByFixedIp(ip: string) {
      return b.nodeByIp(ip);
    },
    recordStage(node: Node, stage: BootStage, detail?: string, agoMs?: number) {
      b.stages.push({ node: node.hostname, stage, ...(detail === undefined ? {} : { detail }), ...(agoMs === undefined ? {} : { at: Date.now() - agoMs }) });
    },
    recordDiscovered: () => undefined,
    renderPxelinuxConfig(name: string, ip: string) {
      b.renders.push({ name, ip });
      if (name === 'explode') throw new Error('template error');
      const text = configs[name];
      return text === undefined ? undefined : Buffer.from(text);
    },
    renderIpxeScript: () => Buffer.from('#!ipxe\n'),
    stageForFile(_node: Node, path: string): BootStage | undefined {
      if (path.endsWith('pxelinux.0')) return 'loader';
      if (path.includes('pxelinux.cfg/')) return 'config';
      if (path.startsWith('images/vmlinuz')) return 'kernel';
      if (path.startsWith('images/initrd')) return 'initrd';
      return undefined;
    },
  };
  return b;
}
