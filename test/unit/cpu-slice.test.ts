import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { currentSliceUs, holdCpuSlice } from '../../src/cpu-slice.js';
import { ValidationError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { Metrics } from '../../src/metrics.js';
import { PushManager } from '../../src/multicast/manager.js';
import { openDatabase } from '../../src/store/db.js';

/** se.slice (µs) of every thread of this process, as the kernel reports it in /proc. */
function threadSlices(): number[] {
  return readdirSync('/proc/self/task').map((t) => {
    const m = /^se\.slice\s*:\s*(\d+)/m.exec(readFileSync(`/proc/self/task/${t}/sched`, 'utf8'));
    return m ? Number(m[1]) / 1000 : NaN;
  });
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
    expect(new Set(threadSlices())).toEqual(new Set([300]));
    const b = holdCpuSlice(100, log);
    expect(new Set(threadSlices())).toEqual(new Set([100]));
    b();
    expect(currentSliceUs()).toBe(300);
    b(); // a second release of the same hold changes nothing
    expect(currentSliceUs()).toBe(300);
    a();
    expect(currentSliceUs()).toBe(before);
    expect(new Set(threadSlices())).toEqual(new Set([before]));
  });

  it('asks for nothing with 0', () => {
    const before = currentSliceUs();
    const release = holdCpuSlice(0, silentLogger());
    expect(currentSliceUs()).toBe(before);
    release();
  });

  it('keeps the nice value the process was started with', () => {
    // A child under `nice -n 7`: sched_setattr rewrites the whole attribute set, so a careless
    // call would put it back at nice 0.
    const script = `import('${join(process.cwd(), 'dist/src/cpu-slice.js')}').then((m) => {
      const { getPriority } = require('node:os');
      m.holdCpuSlice(100, { debug() {} });
      console.log(JSON.stringify({ slice: m.currentSliceUs(), nice: getPriority() }));
    })`;
    const out = execFileSync('nice', ['-n', '7', process.execPath, '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ slice: 100, nice: 7 });
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
  const setup = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rackboot-slice-'));
    const db = openDatabase(join(dir, 'rackboot.db'));
    const portBase = 40_000 + 2 * Math.floor(Math.random() * 1000);
    const manager = new PushManager({ db, config: parseConfig({ multicast: { interface: 'lo', portBase } }, dir), log: silentLogger(), metrics: new Metrics() });
    const image = join(dir, 'disk.img');
    writeFileSync(image, Buffer.alloc(4096, 1));
    const done = async () => {
      await manager.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    };
    return { manager, image, done };
  };
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

  it('refuses a slice the kernel would not take, before anything starts', async () => {
    const { manager, image, done } = setup();
    try {
      await expect(manager.start(nobody, image, { cpuSliceUs: 50 })).rejects.toThrow(ValidationError);
      await expect(manager.start(nobody, image, { cpuSliceUs: 50 })).rejects.toThrow(/cpu slice 50 µs: give 0 \(the kernel's default\) or 100\.\.100000/);
      expect(manager.list()).toEqual([]);
    } finally {
      await done();
    }
  });
});
