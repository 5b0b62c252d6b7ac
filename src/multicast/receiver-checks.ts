import { MAX_BLOCK_SIZE } from '../wire/udpcast/index.js';

export type ConnectReplyCheck = { ok: true; join: boolean } | { ok: false; problem: string };

/**
 * Is a CONNECT_REPLY usable before anything is sized or joined from it? The block size
 * must be 1..MAX_BLOCK_SIZE (1456, udpcast's maximum: slices are allocated from it). The
 * data group must be multicast (224.0.0.0/4, joined); our own address or a broadcast
 * address is accepted without joining (like udp-receiver, which joins only multicast
 * addresses: point-to-point DATA comes to our unicast address, --broadcast DATA to the
 * subnet's). Anything else (0.0.0.0, another host) is refused.
 */
export function checkConnectReply(m: { blockSize: number; group: string }, here: { ip: string; broadcast: string }): ConnectReplyCheck {
  if (!Number.isInteger(m.blockSize) || m.blockSize < 1 || m.blockSize > MAX_BLOCK_SIZE) {
    return { ok: false, problem: `block size ${m.blockSize} is outside 1..${MAX_BLOCK_SIZE}` };
  }
  const first = Number(m.group.split('.')[0]);
  if (first >= 224 && first <= 239) return { ok: true, join: true };
  if (m.group === here.ip || m.group === here.broadcast || m.group === '255.255.255.255') return { ok: true, join: false };
  return { ok: false, problem: `data group ${m.group} is neither a multicast address (224.0.0.0/4) nor this host's or its broadcast address` };
}
