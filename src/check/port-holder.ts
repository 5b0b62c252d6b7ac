import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface PortHolder {
  pid: number;
  command: string;
}

/** Listening states in /proc/net/*: TCP_LISTEN (0A) for TCP; UDP sockets are "07" (TCP_CLOSE) when bound. */
const STATE = { tcp: '0A', udp: '07' } as const;

/**
 * Socket inodes bound to local `port` in /proc/net/{proto,proto6} (any address). Each line:
 * `sl local_address rem_address st … uid timeout inode`, local_address as HEXIP:HEXPORT.
 */
export function socketInodes(proto: 'udp' | 'tcp', port: number, procRoot = '/proc'): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of [`${procRoot}/net/${proto}`, `${procRoot}/net/${proto}6`]) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      if (f[1]!.split(':').pop() !== hexPort || f[3] !== STATE[proto]) continue;
      if (f[9] !== '0') inodes.add(f[9]!);
    }
  }
  return inodes;
}

/**
 * The processes holding `port` (found by matching socket inodes against /proc/PID/fd links),
 * or an empty list when /proc says nothing (another namespace, no permission). Linux only;
 * reads at most every process's fd folder once, which is cheap next to `ss -p`.
 */
export function portHolders(proto: 'udp' | 'tcp', port: number, procRoot = '/proc'): PortHolder[] {
  const inodes = socketInodes(proto, port, procRoot);
  if (inodes.size === 0) return [];
  const found: PortHolder[] = [];
  let pids: string[];
  try {
    pids = readdirSync(procRoot).filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`${procRoot}/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    const holds = fds.some((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${procRoot}/${pid}/fd/${fd}`));
        return m !== null && inodes.has(m[1]!);
      } catch {
        return false;
      }
    });
    if (!holds) continue;
    found.push({ pid: Number(pid), command: commandOf(`${procRoot}/${pid}`) });
  }
  return found;
}

/** The process's name; `rackboot serve` for rackboot's own daemon (whose comm is just "node"). */
function commandOf(dir: string): string {
  try {
    const argv = readFileSync(`${dir}/cmdline`, 'utf8').split('\0');
    if (argv.includes('serve') && argv.some((a) => /(^|\/)rackboot$|\/dist\/src\/main\.js$/.test(a))) return 'rackboot serve';
    return readFileSync(`${dir}/comm`, 'utf8').trim();
  } catch {
    return '?'; // exited meanwhile
  }
}

export const describeHolders = (list: PortHolder[]): string => list.map((h) => `${h.command} (pid ${h.pid})`).join(', ');
