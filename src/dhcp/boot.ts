import { Opt } from '../wire/dhcp/codes.js';
import type { DhcpOption } from '../wire/dhcp/options.js';
import { option } from '../wire/dhcp/accessors.js';
import { encodePxelinuxOptions, encodePxeVendorOptions } from '../wire/dhcp/pxe.js';
import type { DhcpConfig, LoadersConfig } from './config.js';
import type { ClientInfo } from './client.js';

/** RFC 4578 §2.1 architecture types. */
export const ARCH_BIOS = 0;

/**
 * The boot file for a firmware client: iPXE (user class) → its script URL, so iPXE never
 * chainloads itself again; Etherboot → its own file; else by option 93: BIOS (0 or absent)
 * → the BIOS loader, an explicit per-arch entry, or the EFI loader (7 and 9 are EFI x64).
 */
export function chooseBootFile(c: ClientInfo, loaders: LoadersConfig, scriptUrl: () => string): string {
  if (c.ipxe && loaders.ipxeScript) return scriptUrl();
  if (c.etherboot) return loaders.etherboot;
  const arch = c.arch ?? ARCH_BIOS;
  const explicit = loaders.byArch[String(arch)];
  if (explicit !== undefined) return explicit;
  return arch === ARCH_BIOS ? loaders.bios : loaders.efi;
}

export interface BootInfo {
  siaddr: string;
  file: string; // placed in the header when it fits (128 bytes), always in option 67
  options: DhcpOption[];
}

/**
 * Boot information for a firmware client: next-server in siaddr, the file in `file` and
 * option 67, option 60 "PXEClient" for PXE ROMs, and the pxelinux options (RFC 5071) when
 * configured. `proxy` adds option 43 with discovery control 8 ("use the boot file in this
 * offer", PXE spec table 2-1) so ROMs do not wait for a boot-server menu.
 */
export function bootInfo(c: ClientInfo, cfg: DhcpConfig, nextServer: string, scriptUrl: () => string, proxy: boolean): BootInfo {
  const file = chooseBootFile(c, cfg.loaders, scriptUrl);
  const options: DhcpOption[] = [];
  if (c.pxe) options.push(option.text(Opt.VENDOR_CLASS, 'PXEClient'));
  if (proxy && c.pxe) options.push(encodePxeVendorOptions({ discoveryControl: 0x08 }));
  options.push(option.text(Opt.TFTP_SERVER_NAME, nextServer));
  options.push(option.text(Opt.BOOTFILE_NAME, file));
  const p = cfg.pxelinux;
  if (!c.ipxe && (p.configFile !== null || p.pathPrefix !== null || p.rebootTime !== null)) {
    options.push(
      ...encodePxelinuxOptions({
        configFile: p.configFile ?? undefined,
        pathPrefix: p.pathPrefix ?? undefined,
        rebootTime: p.rebootTime ?? undefined,
      }),
    );
  }
  return { siaddr: nextServer, file: Buffer.byteLength(file) <= 127 ? file : '', options };
}
