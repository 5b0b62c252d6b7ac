import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';

/** Run a command to completion; resolves with exit code, wall seconds and stderr. */
export function run(cmd: string, args: string[], timeoutMs = 600_000): Promise<{ code: number; seconds: number; stderr: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, seconds: (performance.now() - t0) / 1000, stderr });
    });
  });
}

export function sh(cmd: string): void {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
}

export function shQuiet(cmd: string): void {
  spawnSync('sh', ['-c', cmd], { stdio: 'ignore' });
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

/** Resident set size (kB) of a process and all its descendants. */
export function treeRssKb(pid: number): number {
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      total += m ? Number(m[1]) : 0;
      for (const t of readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').split(' ').filter(Boolean)) stack.push(Number(t));
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** Sample a process tree's RSS every 50 ms until stopped; returns the peak in MB. */
export function rssSampler(pid: number): { stop(): number } {
  let peak = treeRssKb(pid);
  const t = setInterval(() => (peak = Math.max(peak, treeRssKb(pid))), 50);
  return {
    stop() {
      clearInterval(t);
      return Math.max(peak, treeRssKb(pid)) / 1024;
    },
  };
}

export interface Server {
  name: string;
  address: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Start a long-running process and wait for it to be ready. */
export async function startProcess(name: string, argv: string[], address: string, port: number, readyLine?: RegExp): Promise<Server> {
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  if (readyLine) {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (readyLine.test(out)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
    });
  } else await new Promise((r) => setTimeout(r, 500));
  return {
    name,
    address,
    port,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
