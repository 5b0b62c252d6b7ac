import { afterAll, beforeAll } from 'vitest';
import { LabSession, type SessionOptions } from '../../../lab/lib/session.js';

/**
 * beforeAll whose failure fails every test of the suite with the setup's own error (for
 * example a PrerequisiteError naming the Debian packages to install). A throwing
 * beforeAll alone makes vitest report the tests as skipped, which reads like a pass.
 */
export function setupOnce<T>(setup: () => Promise<T> | T): () => T {
  let value: T | undefined;
  let failure: unknown;
  let done = false;
  beforeAll(async () => {
    try {
      value = await setup();
      done = true;
    } catch (e) {
      failure = e;
    }
  });
  return () => {
    if (!done) throw failure ?? new Error('suite setup did not run');
    return value as T;
  };
}

/** A node the tests register, by its MAC, fixed address, hostname and node_id. */
export interface TestNode {
  mac: string;
  ip: string;
  hostname: string;
  nodeId: number;
}

/** `rackboot node add` for a test node with the given profile. */
export function registerNode(s: LabSession, n: TestNode, profile: string): void {
  s.cli('node', 'add', '--mac', n.mac, '--hostname', n.hostname, '--ip', n.ip, '--node-id', String(n.nodeId), '--profile', profile);
}

/**
 * One lab per suite: opened and prepared once (`prepare` registers what the suite needs,
 * then rackboot is started), closed after the suite. Its logs are kept, and their folder
 * printed, unless the suite called `passed()`.
 */
export function labSuite(open: SessionOptions, prepare: (s: LabSession) => void, onClose?: () => Promise<void>): { ready: () => LabSession; passed: () => void } {
  let s: LabSession | undefined;
  let ok = false;
  const ready = setupOnce(async () => {
    s = await LabSession.open(open);
    prepare(s);
    await s.startServer();
    return s;
  });
  afterAll(async () => {
    await onClose?.();
    if (s && !ok) console.error(`e2e logs kept in ${s.workDir}`);
    await s?.close(ok);
  });
  return { ready, passed: () => void (ok = true) };
}
