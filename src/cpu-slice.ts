import { readdirSync } from 'node:fs';
import type { Logger } from './log.js';
import { loadNativeAddon } from './native-addon.js';

/** native/sched_slice.c, built by native/build.sh at npm install; optional. */
interface SliceAddon {
  setSlice(tid: number, ns: number): number;
  getSlice(tid: number): number;
  /** What setSlice returns for a thread that is not SCHED_OTHER or SCHED_BATCH. */
  notFair: number;
}

const loadSliceAddon = (): SliceAddon | null => loadNativeAddon<SliceAddon>('sched_slice');

/** The kernel's bounds for a requested slice (µs); 0 means "the kernel's default". */
export const MIN_SLICE_US = 100;
export const MAX_SLICE_US = 100_000;
export const validSliceUs = (us: number): boolean => us === 0 || (Number.isInteger(us) && us >= MIN_SLICE_US && us <= MAX_SLICE_US);

/** What the kernel did with a request, for the log. */
type SliceOutcome =
  | { kind: 'set'; us: number; threads: number }
  | { kind: 'unsupported'; reason: string }
  | { kind: 'skipped'; reason: string };

/**
 * Every thread of this process (Node's main thread, libuv's pool, V8's workers). A thread
 * that exits between the listing and its setSlice gets -ESRCH and is skipped.
 */
function threadIds(): number[] {
  return readdirSync('/proc/self/task').map(Number).filter((t) => t > 0);
}

/** The time slice the kernel reports for this process's main thread (µs), or null without the helper. */
export function currentSliceUs(): number | null {
  const a = loadSliceAddon();
  if (!a) return null;
  const ns = a.getSlice(process.pid);
  return ns >= 0 ? ns / 1000 : null;
}

function apply(us: number): SliceOutcome {
  const a = loadSliceAddon();
  if (!a) return { kind: 'unsupported', reason: 'native/sched_slice.node is not built' };
  const main = a.setSlice(process.pid, us * 1000);
  if (main === a.notFair) return { kind: 'skipped', reason: 'the process does not run under SCHED_OTHER or SCHED_BATCH' };
  if (main < 0) return { kind: 'unsupported', reason: `sched_setattr: errno ${-main}` };
  if (us > 0 && main !== us * 1000) return { kind: 'unsupported', reason: 'this kernel has no custom time slices (Linux < 6.12)' };
  let threads = 1;
  for (const tid of threadIds()) if (tid !== process.pid && a.setSlice(tid, us * 1000) >= 0) threads++;
  return { kind: 'set', us, threads };
}

const holds = new Map<number, number>();
let nextHold = 1;
let applied = 0;

/**
 * Ask the kernel for a short time slice (EEVDF's custom slice, Linux ≥ 6.12) for every
 * thread of this process while a push runs; `release()` returns every thread to the
 * kernel's default once no push holds one (a slice someone else had set is not restored).
 * With several holds the shortest wins; 0 asks for nothing. The process's weight, and so
 * its long-run CPU share, is unchanged. What changes: the sender's run is protected from a
 * woken task for its slice (EEVDF's run-to-parity), 100 µs instead of the default 1.4 ms
 * here, so a receiver woken on the sender's CPU can preempt it sooner; and the sender,
 * waking, may preempt tasks with longer slices (PREEMPT_SHORT). It is not a bound on
 * anyone's wait: between wakeups the scheduler looks again only at its tick (4 ms at
 * HZ=250). Measured at N = 1 on this machine: +0.4–1.0 MiB/s in four of five same-hour
 * sets, −0.6 in one; a traced receiver's wake-to-run times did not differ clearly, so how
 * the kernel produces the gain is not established (docs/multicast.md, ninth session).
 */
export function holdCpuSlice(us: number, log: Logger): () => void {
  if (us === 0) return () => undefined;
  const id = nextHold++;
  holds.set(id, us);
  update(log);
  return () => {
    if (holds.delete(id)) update(log);
  };
}

function update(log: Logger): void {
  const want = holds.size ? Math.min(...holds.values()) : 0;
  if (want === applied) return;
  let r: SliceOutcome;
  try {
    r = apply(want);
  } catch (e) {
    r = { kind: 'unsupported', reason: (e as Error).message };
  }
  applied = want; // when the kernel refused, there is nothing to undo later either
  if (r.kind === 'set') log.debug({ us: want, threads: r.threads }, want ? 'cpu slice requested' : 'cpu slice back to the kernel default');
  else log.debug({ reason: r.reason }, 'cpu slice: kernel default kept');
}
