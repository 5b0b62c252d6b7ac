import { Opt } from '../wire/dhcp/codes.js';
import { option } from '../wire/dhcp/accessors.js';
import type { DhcpOption } from '../wire/dhcp/options.js';

/**
 * Options that are the same bytes in many replies, built once per key and shared: the
 * encoder copies option bytes, and nothing writes into an option's data. At most 64 keys
 * are kept (a config with more lease times or server addresses builds the rest per reply).
 */
function shared<K, V>(build: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      v = build(key); // throws on a bad value: never cached
      if (cache.size < 64) cache.set(key, v);
    }
    return v;
  };
}

/** Option 53. */
export const messageTypeOption = shared((type: number): DhcpOption => option.messageType(type));

/** Option 54. */
export const serverIdOption = shared((address: string): DhcpOption => option.ip(Opt.SERVER_ID, address));

/** Option 51 plus T1 = 0.5 and T2 = 0.875 of the lease (RFC 2131 §4.4.5). */
export const leaseTimeOptions = shared((t: number): DhcpOption[] => [
  option.u32(Opt.LEASE_TIME, t),
  option.u32(Opt.RENEWAL_T1, Math.floor(t / 2)),
  option.u32(Opt.REBINDING_T2, Math.floor((t * 7) / 8)),
]);
