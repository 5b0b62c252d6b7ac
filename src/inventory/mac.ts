import { ValidationError } from '../errors.js';

const FORMS: RegExp[] = [
  /^([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$/i, // 00:02:b3:3f:78:8c
  /^([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})$/i, // 00-02-B3-3F-78-8C
  /^([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})$/i, // 0002.b33f.788c (Cisco)
  /^([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i, // 0002b33f788c
];

/**
 * Parse a MAC in any form admins paste and return the canonical lower-case
 * colon form `00:02:b3:3f:78:8c`, or throw a ValidationError saying what is wrong.
 */
export function parseMac(input: string, field = 'mac'): string {
  const text = input.trim();
  for (const form of FORMS) {
    const m = form.exec(text);
    if (m) return m.slice(1, 7).join(':').toLowerCase();
  }
  const hex = text.replace(/[^0-9a-f]/gi, '');
  const why = /[^0-9a-f:.\-]/i.test(text)
    ? 'contains characters other than hex digits and : - . separators'
    : hex.length !== 12
      ? `has ${hex.length} hex digits, a MAC has 12`
      : 'mixes or misplaces separators';
  throw new ValidationError(
    `"${input}" is not a MAC address: it ${why} (use 00:02:b3:3f:78:8c, 00-02-B3-3F-78-8C, 0002.b33f.788c or 0002b33f788c)`,
    field,
  );
}

const CANONICAL = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

/** The canonical form of `input`, or undefined when it is not a MAC (one test when it is canonical already). */
export function canonicalMac(input: string): string | undefined {
  if (CANONICAL.test(input)) return input;
  try {
    return parseMac(input);
  } catch {
    return undefined;
  }
}

/** True when `input` parses as a MAC. */
export function isMac(input: string): boolean {
  return canonicalMac(input) !== undefined;
}

/** The pxelinux per-MAC config name: ARP type 1 and dashes, `01-00-02-b3-3f-78-8c`. */
export const pxelinuxMacName = (mac: string): string => `01-${mac.replace(/:/g, '-')}`;
