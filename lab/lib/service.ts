import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { inNetns } from './netns.js';

/**
 * A long-running server process (rackboot serve, the dnsmasq stand-in, a report listener)
 * inside a network namespace, its stdout and stderr appended to one log file and kept in
 * memory so a test can wait for a line.
 */
export class Service {
  private out = '';
  private readonly proc: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private done = false;

  constructor(
    readonly name: string,
    netns: string | undefined,
    argv: string[],
    readonly logFile: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    writeFileSync(logFile, `$ ${argv.join(' ')}\n`);
    const full = netns ? inNetns(netns, argv) : argv;
    this.proc = spawn(full[0]!, full.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
    const take = (d: Buffer): void => {
      this.out += d.toString();
      appendFileSync(logFile, d);
    };
    this.proc.stdout!.on('data', take);
    this.proc.stderr!.on('data', take);
    this.exited = new Promise((resolve) =>
      this.proc.on('exit', (code, signal) => {
        this.done = true;
        resolve({ code, signal });
      }),
    );
    this.proc.on('error', (e) => take(Buffer.from(`spawn error: ${e.message}\n`)));
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get running(): boolean {
    return !this.done;
  }

  output(): string {
    return this.out;
  }

  /** Resolve with the first output line matching `re`; reject on timeout or exit. */
  async waitFor(re: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.out.split('\n').find((l) => re.test(l));
      if (line !== undefined) return line;
      if (this.done || Date.now() > deadline) {
        const why = this.done ? 'it exited' : `timed out after ${timeoutMs} ms`;
        throw new Error(`${this.name}: no output line matching ${re} — ${why}\n--- ${this.logFile} ---\n${this.out.slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 5000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.done) {
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
      const r = await this.exited;
      clearTimeout(timer);
      return r;
    }
    return this.exited;
  }
}
