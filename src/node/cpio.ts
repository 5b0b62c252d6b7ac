/**
 * A writer for the cpio "newc" format (magic 070701), the one the Linux kernel unpacks as
 * an initramfs (Documentation/driver-api/early-userspace/buffer-format.rst). Written here
 * rather than shelling out to cpio(1) so an initrd can hold /dev/console as a device node
 * without mknod on the host, and so the archive is byte-for-byte reproducible.
 */

export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Buffer; mode?: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'chardev'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

const pad4 = (n: number): number => (4 - (n % 4)) % 4;
const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

interface Header {
  ino: number;
  mode: number;
  nlink: number;
  filesize: number;
  rdevmajor: number;
  rdevminor: number;
  name: string;
}

function header(h: Header): Buffer {
  const name = Buffer.from(`${h.name}\0`, 'utf8');
  const fields = [
    h.ino,
    h.mode,
    0, // uid
    0, // gid
    h.nlink,
    0, // mtime: fixed, so the archive is reproducible
    h.filesize,
    0, // devmajor
    0, // devminor
    h.rdevmajor,
    h.rdevminor,
    name.length, // namesize includes the NUL
    0, // check: always 0 in newc (070702 would carry a checksum)
  ];
  const text = Buffer.from(`070701${fields.map(hex8).join('')}`, 'ascii'); // 110 bytes
  return Buffer.concat([text, name, Buffer.alloc(pad4(text.length + name.length))]);
}

function body(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc(pad4(data.length))]);
}

/** Encode entries (parents before children) into one newc archive with its TRAILER!!!. */
export function encodeCpio(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of entries) {
    const name = e.path.replace(/^\/+/, '');
    if (name === '' || name.includes('\0')) throw new Error(`cpio: bad path ${JSON.stringify(e.path)}`);
    let mode: number;
    let data: Buffer = Buffer.alloc(0);
    let rdevmajor = 0;
    let rdevminor = 0;
    switch (e.kind) {
      case 'dir':
        mode = S_IFDIR | (e.mode ?? 0o755);
        break;
      case 'file':
        mode = S_IFREG | (e.mode ?? 0o644);
        data = e.data;
        break;
      case 'symlink':
        mode = S_IFLNK | 0o777;
        data = Buffer.from(e.target, 'utf8');
        break;
      case 'chardev':
        mode = S_IFCHR | (e.mode ?? 0o600);
        rdevmajor = e.major;
        rdevminor = e.minor;
        break;
    }
    const nlink = e.kind === 'dir' ? 2 : 1;
    parts.push(header({ ino: ino++, mode, nlink, filesize: data.length, rdevmajor, rdevminor, name }), body(data));
  }
  parts.push(header({ ino: 0, mode: 0, nlink: 1, filesize: 0, rdevmajor: 0, rdevminor: 0, name: 'TRAILER!!!' }));
  return Buffer.concat(parts);
}
