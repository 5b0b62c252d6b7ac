import { expect } from 'vitest';
import type { Guest } from '../../../lab/lib/qemu.js';
import { showNode, type ShownNode } from '../../../lab/lib/rackboot.js';

/** The stages a registered node reaches through rackboot, in order (BIOS and UEFI alike). */
export const BIOS_STAGES = ['discover', 'offer', 'ack', 'loader', 'config', 'kernel', 'initrd', 'os-lease', 'up'];

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Wait for the initrd's done line and a clean poweroff; return the whole serial log. */
export async function bootToPoweroff(g: Guest, timeoutMs = 180_000): Promise<string> {
  await g.waitForLine(/rackboot-e2e: done/, timeoutMs);
  const exit = await g.exited;
  expect(exit, `${g.opts.name} should power off by itself\n${g.describe()}`).toEqual({ code: 0, signal: null, timedOut: false });
  console.log(`${g.opts.name}: power-on to poweroff ${((Date.now() - g.startedAt) / 1000).toFixed(1)} s (${g.accel})`);
  return g.serial();
}

export interface RegisteredGuest {
  mac: string;
  ip: string;
  hostname: string;
  nodeId: number;
}

/** A registered node booted with its own node_id and fixed address and reported back. */
export function expectRegisteredBoot(serial: string, n: RegisteredGuest, g: Guest): void {
  const why = g.describe();
  expect(serial, why).toContain(`rackboot-e2e: node_id=${n.nodeId}\n`);
  expect(serial, why).toContain(`rackboot-e2e: mac=${n.mac}`);
  expect(serial, why).toMatch(new RegExp(`rackboot-e2e: lease ip=${esc(n.ip)} mask=24 hostname=${esc(n.hostname)} `));
  expect(serial, why).toMatch(new RegExp(`rackboot-e2e: done node_id=${n.nodeId} ip=${esc(n.ip)} report=ok`));
}

/** `stages` appear in `events` in this order (other events may sit between them). */
export function expectStagesInOrder(shown: ShownNode, stages: string[]): void {
  const seen = shown.events.map((e) => e.stage);
  const i = reached(shown, stages);
  expect({ node: shown.hostname, reached: stages.slice(0, i) }, `events recorded: ${seen.join(' ')}`).toEqual({ node: shown.hostname, reached: stages });
  expect(shown.lastStage).toBe(stages.at(-1));
}

/** How many of `stages` the node's events hold in this order. */
function reached(shown: ShownNode, stages: string[]): number {
  let i = 0;
  for (const e of shown.events) if (e.stage === stages[i]) i++;
  return i;
}

/**
 * `rackboot node show` once the node's events hold `stages` in order, or after `timeoutMs`.
 * A TFTP file whose final ACK never came (pxelinux starts the kernel the moment its initrd
 * is in) is recorded only when the transfer gives up on that ACK, seconds after the boot.
 */
export async function settledNode(configFile: string, hostname: string, stages: string[], timeoutMs = 30_000): Promise<ShownNode> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = showNode(configFile, hostname);
    if (reached(shown, stages) === stages.length || Date.now() > deadline) return shown;
    await new Promise((r) => setTimeout(r, 500));
  }
}
