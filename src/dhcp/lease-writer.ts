import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LeaseRecord, LeaseRepo } from '../store/leases.js';

/**
 * Where committed lease batches go. ACKs are sent when `write` resolves, so an ACKed lease is
 * in SQLite (WAL, synchronous=NORMAL: it survives a kill -9 of the daemon).
 */
export interface LeaseWriter {
  write(rows: LeaseRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** Commit on the calling thread (tests, `:memory:` databases). */
export function inlineWriter(repo: LeaseRepo): LeaseWriter {
  return {
    write: async (rows) => repo.saveMany(rows),
    close: async () => {},
  };
}

/**
 * Commit on a worker thread with its own connection to the same file, so a WAL checkpoint's
 * fsync (tens to hundreds of ms on a busy disk) never stalls the packet loop. Batches are
 * committed in order; each resolves when its transaction has committed.
 */
export function workerWriter(file: string): LeaseWriter {
  const worker = new Worker(WORKER_FILE, { workerData: { file } });
  let next = 0;
  let last: Promise<void> = Promise.resolve();
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  worker.on('message', (m: { id: number; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error) w?.reject(new Error(m.error));
    else w?.resolve();
  });
  const failAll = (e: Error): void => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`lease writer thread exited (${code})`)));
  return {
    write: (rows) => {
      last = new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, rows });
      });
      return last;
    },
    close: async () => {
      // Batches commit in order: when the last one has answered, all have.
      await last.catch(() => {});
      await worker.terminate();
    },
  };
}

const WORKER_FILE = new URL('./lease-writer-worker.js', import.meta.url);

/** The worker thread when running compiled (dist/); inline when running from TypeScript sources. */
export function leaseWriterFor(file: string, repo: LeaseRepo): LeaseWriter {
  const onDisk = file !== '' && file !== ':memory:';
  return onDisk && existsSync(fileURLToPath(WORKER_FILE)) ? workerWriter(file) : inlineWriter(repo);
}
