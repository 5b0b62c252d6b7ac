import { isIPv4 } from 'node:net';
import { ValidationError } from '../errors.js';

/**
 * Validators for every value that ends up in a line-oriented boot file (pxelinux.cfg,
 * iPXE script, kernel command line, kerrighed_nodes, dhcpd.conf). A value with a newline
 * or another control character could start a new directive, so it is refused at input.
 */

const CONTROL = /[\u0000-\u001f\u007f]/;

function noControl(value: string, field: string): string {
  if (CONTROL.test(value)) {
    throw new ValidationError('must not contain newlines or control characters (they would inject a directive into boot files)', field);
  }
  return value;
}

/** RFC 1123 host name: labels of 1–63 letters, digits and hyphens, not starting or ending with a hyphen; 253 chars max. */
export function hostname(value: string, field = 'hostname'): string {
  noControl(value, field);
  if (value.length === 0 || value.length > 253) throw new ValidationError(`"${value}" must be 1 to 253 characters`, field);
  for (const label of value.split('.')) {
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(label)) {
      throw new ValidationError(
        `"${value}" is not an RFC 1123 host name: each dot-separated label is 1–63 letters, digits or hyphens, and does not start or end with a hyphen`,
        field,
      );
    }
  }
  return value.toLowerCase();
}

export function ipv4(value: string, field = 'ip'): string {
  if (!isIPv4(value)) throw new ValidationError(`"${value}" is not a dotted-quad IPv4 address like 10.0.1.31`, field);
  return value;
}

/** A name used as an identifier (cluster, profile, rack, image, label, template). */
export function name(value: string, field: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/.test(value)) {
    throw new ValidationError(`"${value}" must be 1–64 letters, digits, '.', '_', '+' or '-', starting with a letter or digit`, field);
  }
  return value;
}

/** A path as the loader requests it over TFTP/HTTP: no whitespace, no control characters, no "..". */
export function bootPath(value: string, field: string): string {
  noControl(value, field);
  if (!/^[A-Za-z0-9._+\-/:]+$/.test(value) || value.split('/').includes('..')) {
    throw new ValidationError(`"${value}" must be a path of letters, digits and . _ + - / (no spaces, no "..")`, field);
  }
  return value;
}

/**
 * Kernel arguments: printable, one line. pxelinux reads the whole APPEND line as the
 * command line, so a newline is the only way to inject a directive; control characters are
 * refused too. Length is bounded by the kernel's COMMAND_LINE_SIZE on x86 (2048).
 */
export function kernelArgs(value: string, field = 'args'): string {
  noControl(value, field);
  // The same arguments go on an iPXE `kernel` line, where && || and ${…} are script syntax.
  const op = /&&|\|\||\$\{/.exec(value);
  if (op) throw new ValidationError(`must not contain "${op[0]}" (iPXE script syntax: it would run another command on the node)`, field);
  if (value.length > 1024) throw new ValidationError('is longer than 1024 characters', field);
  return value.trim().replace(/ +/g, ' ');
}

/** Free text on one line (menu labels, help file names). */
export function oneLine(value: string, field: string, max = 128): string {
  noControl(value, field);
  if (value.length > max) throw new ValidationError(`is longer than ${max} characters`, field);
  return value;
}

/** A network interface name as Linux allows it (IFNAMSIZ 16, no slash or whitespace). */
export function ifaceName(value: string, field = 'iface'): string {
  if (!/^[A-Za-z0-9._-]{1,15}$/.test(value)) throw new ValidationError(`"${value}" is not an interface name (1–15 letters, digits, . _ -)`, field);
  return value;
}

export function intIn(value: number, min: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(`${value} must be a whole number from ${min} to ${max}`, field);
  }
  return value;
}

/** Parse a decimal integer from CLI/CSV text, naming the field on failure. */
export function parseIntField(text: string, field: string): number {
  if (!/^\d+$/.test(text.trim())) throw new ValidationError(`"${text}" is not a whole number`, field);
  return Number(text.trim());
}
