import type { Node } from '../../src/inventory/types.js';

/** A registered node for fake BootBackends: every field at its empty default, then `extra`. */
export function testNode(mac: string, hostname: string, extra: Partial<Node> = {}): Node {
  return {
    id: 1,
    mac,
    hostname,
    ip: null,
    nodeId: null,
    cluster: null,
    rack: null,
    profile: null,
    extraArgs: '',
    domain: null,
    rootPath: null,
    dhcpOptions: {},
    lastStage: null,
    lastStageAt: null,
    ...extra,
  };
}
