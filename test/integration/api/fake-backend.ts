import type { BootBackend } from '../../../src/boot/backend.js';
import type { BootStage, Node } from '../../../src/inventory/types.js';
import { testNode } from '../../helpers/nodes.js';

/** A table-driven BootBackend for route tests that do not need the inventory. */
export class FakeBackend implements BootBackend {
  readonly stages: { hostname: string; stage: BootStage; detail?: string }[] = [];
  constructor(readonly nodes: Node[]) {}
  nodeByMac = (mac: string) => this.nodes.find((n) => n.mac === mac);
  nodeByIp = (ip: string) => this.nodes.find((n) => n.ip === ip);
  nodeByFixedIp = this.nodeByIp;
  recordStage(node: Node, stage: BootStage, detail?: string): void {
    this.stages.push({ hostname: node.hostname, stage, ...(detail === undefined ? {} : { detail }) });
  }
  recordDiscovered(): void {}
  renderPxelinuxConfig(name: string, clientIp: string): Buffer | undefined {
    return name === 'default' ? Buffer.from(`DEFAULT local\n# for ${clientIp}\n`) : undefined;
  }
  renderIpxeScript(mac: string | undefined, clientIp: string): Buffer {
    return Buffer.from(`#!ipxe\necho ${mac ?? 'unknown'} at ${clientIp}\n`);
  }
  stageForFile(_node: Node, path: string): BootStage | undefined {
    if (path.endsWith('pxelinux.0')) return 'loader';
    if (path.startsWith('pxelinux.cfg/') || path.endsWith('.ipxe')) return 'config';
    if (path.includes('vmlinuz')) return 'kernel';
    return undefined;
  }
}

export function node(hostname: string, mac: string, ip: string | null): Node {
  return testNode(mac, hostname, { ip, nodeId: 1, rack: 'r1' });
}
