import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { currentSliceUs, holdCpuSlice } from '../../src/cpu-slice.js';
import { ConflictError, ValidationError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { loopbackPushManager } from '../helpers/push-manager.js';

/** se.slice (µs) of every thread of this process, as the kernel reports it in /proc. */
function threadSlices(): number[] {
  return readdirSync('/proc/self/task').flatMap((t) => {
    let text: string;
    try {
      text = readFileSync(`/proc/self/task/${t}/sched`, 'utf8');
    } catch {
      return []; // the thread exited meanwhile
    }
    const m = /^se\.slice\s*:\s*(\d+)/m.exec(text);
    return m ? [Number(m[1]) / 1000] : [NaN];
  });
}

/** Runs native/sched_slice.node's setSlice(own pid, 100 µs) in a child started by `prefix`; what it saw. */
function child(prefix: string[]): { before: string; after: string; result: number; notFair: number; nice: [number, number] } {
  const script = `const a = require(${JSON.stringify(join(process.cwd(), 'native/sched_slice.node'))});
    const { execFileSync } = require('node:child_process'); const { getPriority } = require('node:os');
    const policy = () => execFileSync('chrt', ['-p', String(process.pid)], { encoding: 'utf8' }).split('\\n')[0].split(': ')[1];
    const before = policy(), n0 = getPriority();
    const result = a.setSlice(process.pid, 100000);
    console.log(JSON.stringify({ before, after: policy(), result, notFair: a.notFair, nice: [n0, getPriority()] }));`;
  const [cmd, ...args] = [...prefix, process.execPath, '-e', script];
  return JSON.parse(execFileSync(cmd!, args, { encoding: 'utf8' })) as ReturnType<typeof child>;
}

const [major, minor] = (/^(\d+)\.(\d+)/.exec(readFileSync('/proc/sys/kernel/osrelease', 'utf8')) ?? []).slice(1).map(Number);
const customSlices = major! > 6 || (major === 6 && minor! >= 12);

describe.skipIf(!customSlices)('holdCpuSlice (native/sched_slice.c, Linux >= 6.12)', () => {
  it('gives every thread the slice while held, the shortest of two holds, and the default back after', () => {
    const before = currentSliceUs();
    expect(before, 'native/sched_slice.node is missing: npm ci runs native/build.sh').not.toBeNull();
    expect(before).not.toBe(100);
    const log = silentLogger();
    const a = holdCpuSlice(300, log);
    const b = holdCpuSlice(100, log);
    try {
      expect(new Set(threadSlices())).toEqual(new Set([100]));
      b();
      expect(new Set(threadSlices())).toEqual(new Set([300]));
      b(); // a second release of the same hold changes nothing
      expect(currentSliceUs()).toBe(300);
    } finally {
      b();
      a();
    }
    expect(new Set(threadSlices())).toEqual(new Set([before]));
  });

  it('asks for nothing with 0', () => {
    const before = currentSliceUs();
    const release = holdCpuSlice(0, silentLogger());
    expect(currentSliceUs()).toBe(before);
    release();
  });

  it('keeps the nice value, SCHED_BATCH and reset-on-fork, and leaves other policies alone', () => {
    // sched_setattr rewrites the whole attribute set: a careless call would reset all three.
    const niced = child(['nice', '-n', '7']);
    expect(niced.result).toBe(100_000);
    expect(niced.nice[1]).toBe(niced.nice[0]);
    expect(niced.nice[0]).toBeGreaterThan(0);
    const batch = child(['chrt', '--batch', '0']);
    expect(batch).toMatchObject({ before: 'SCHED_BATCH', after: 'SCHED_BATCH', result: 100_000 });
    const resetOnFork = child(['chrt', '--reset-on-fork', '--other', '0']);
    expect(resetOnFork).toMatchObject({ before: 'SCHED_OTHER|SCHED_RESET_ON_FORK', after: 'SCHED_OTHER|SCHED_RESET_ON_FORK', result: 100_000 });
    const idle = child(['chrt', '--idle', '0']);
    expect(idle).toMatchObject({ before: 'SCHED_IDLE', after: 'SCHED_IDLE' });
    expect(idle.result).toBe(idle.notFair);
  });
});

describe('multicast.cpuSliceUs', () => {
  it('is 100 µs by default, takes 0 and 100..100000, and says what to fix otherwise', () => {
    expect(parseConfig({}, '/tmp').multicast.cpuSliceUs).toBe(100);
    expect(parseConfig({ multicast: { cpuSliceUs: 0 } }, '/tmp').multicast.cpuSliceUs).toBe(0);
    expect(parseConfig({ multicast: { cpuSliceUs: 100000 } }, '/tmp').multicast.cpuSliceUs).toBe(100000);
    expect(() => parseConfig({ multicast: { cpuSliceUs: 50 } }, '/tmp')).toThrow(/cpuSliceUs.*0 \(the kernel's default\) or 100\.\.100000 microseconds/s);
  });
});

describe.skipIf(!customSlices)('PushManager: the time slice of a push', () => {
  const setup = () => loopbackPushManager(40_000);
  const nobody = [{ nodeId: null, hostname: null, ip: '127.0.0.9' }];

  it('is held from the start of a push until it ends, then the default is back', async () => {
    const { manager, image, done } = setup();
    try {
      const before = currentSliceUs();
      const id = await manager.start(nobody, image, { maxBitrate: null });
      expect(currentSliceUs()).toBe(100);
      manager.cancel(id);
      await manager.wait(id);
      expect(currentSliceUs()).toBe(before);
    } finally {
      await done();
    }
  });

  it('gives the slice back when the push cannot open its sockets', async () => {
    const { manager, image, done, portBase } = setup();
    // Another process on the sender's port (no SO_REUSEADDR): the push's bind fails.
    const blocker: Socket = createSocket('udp4');
    await new Promise<void>((r) => blocker.bind(portBase + 1, '127.0.0.1', () => r()));
    try {
      const before = currentSliceUs();
      await expect(manager.start(nobody, image, { maxBitrate: null })).rejects.toThrow(ConflictError);
      expect(currentSliceUs()).toBe(before);
    } finally {
      blocker.close();
      await done();
    }
  });
});

describe('PushManager: a slice the kernel would not take', () => {
  it('is refused before anything starts, saying what to give', async () => {
    const { manager, image, done } = loopbackPushManager(40_000);
    try {
      const start = manager.start([{ nodeId: null, hostname: null, ip: '127.0.0.9' }], image, { cpuSliceUs: 50 });
      await expect(start).rejects.toThrow(ValidationError);
      await expect(start).rejects.toThrow(/cpu slice 50 µs: give 0 \(the kernel's default\) or 100\.\.100000/);
      expect(manager.list()).toEqual([]);
    } finally {
      await done();
    }
  });
});
