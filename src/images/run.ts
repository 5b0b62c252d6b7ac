import { spawn } from 'node:child_process';
import { RackbootError } from '../errors.js';

/** A build failed for a reason outside the admin's input: a tool, the disk, an interruption. */
export class BuildError extends RackbootError {
  constructor(message: string) {
    super('io', message);
  }
}

/** The Debian package each external tool comes from, named when the tool is missing. */
export const TOOL_PACKAGES: Record<string, string> = {
  mksquashfs: 'squashfs-tools',
  unsquashfs: 'squashfs-tools',
  mmdebstrap: 'mmdebstrap',
  tar: 'tar',
  rm: 'coreutils',
  gzip: 'gzip',
  xz: 'xz-utils',
  zstd: 'zstd',
  bzip2: 'bzip2',
  lz4: 'lz4',
  lzip: 'lzip',
};

export const missingTool = (tool: string, why: string): BuildError =>
  new BuildError(`${tool} is not installed (${why}): apt-get install ${TOOL_PACKAGES[tool] ?? tool}`);

export interface RunOptions {
  /** The tool writes straight to this process's stderr (a terminal: mksquashfs draws its own bar there). */
  stdoutToStderr?: boolean;
  /** Each complete stderr line (mmdebstrap's "I: …" progress). */
  onStderrLine?: (line: string) => void;
  signal?: AbortSignal;
}

export interface RunResult {
  code: number | null; // null: killed by a signal
  signal: NodeJS.Signals | null;
  stderr: string; // the last 16 KiB, for error messages
}

/** How the build starts external programs; tests and callers may pass their own. */
export type Runner = (cmd: string, args: string[], opts?: RunOptions) => Promise<RunResult>;

const TAIL = 16 * 1024;

/** Spawn without a shell; a program that is not installed becomes missingTool(). */
export const spawnRunner: Runner = (cmd, args, opts = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', opts.stdoutToStderr ? process.stderr : 'ignore', 'pipe'], signal: opts.signal, killSignal: 'SIGTERM' });
    let stderr = '';
    let partial = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      stderr = (stderr + c).slice(-TAIL);
      if (!opts.onStderrLine) return;
      const lines = (partial + c).split('\n');
      partial = lines.pop()!;
      for (const l of lines) opts.onStderrLine(l);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') reject(missingTool(cmd, `needed to run ${cmd}`));
      else if (e.name === 'AbortError') reject(new BuildError('interrupted'));
      else reject(e);
    });
    child.on('close', (code, signal) => {
      if (partial && opts.onStderrLine) opts.onStderrLine(partial);
      if (opts.signal?.aborted) reject(new BuildError('interrupted'));
      else resolve({ code, signal, stderr });
    });
  });

/** The last lines of a tool's stderr, for an error message. */
export const tail = (stderr: string, lines = 8): string => stderr.trimEnd().split('\n').slice(-lines).join('\n');

export const isNoSpace = (e: unknown, stderr = ''): boolean =>
  (e as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC' || /No space left on device/i.test(stderr);
