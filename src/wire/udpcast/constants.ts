/**
 * udpcast 20120424 wire constants (udpcast's protocol.h), verified against Debian's
 * udp-sender/udp-receiver captures in test/golden/udpcast.
 */
export const OP = {
  OK: 0,
  RETRANSMIT: 1,
  GO: 2,
  CONNECT_REQ: 3,
  DISCONNECT: 4,
  REQACK: 6,
  CONNECT_REPLY: 7,
  DATA: 8,
  FEC: 9,
  HELLO: 0x0500,
} as const;

/** Capability bits (CAP_*). Both stock programs advertise NEW_GEN | BIG_ENDIAN = 0x09. */
export const CAP = {
  NEW_GEN: 0x01,
  FEC: 0x04,
  BIG_ENDIAN: 0x08,
  ASYNC: 0x20,
} as const;
export const DEFAULT_CAPABILITIES = CAP.NEW_GEN | CAP.BIG_ENDIAN;

/** 1500 MTU − 20 IP − 8 UDP − 16 DATA header; the stock default and maximum. */
export const MAX_BLOCK_SIZE = 1456;
export const DATA_HEADER = 16;
/** Blocks per slice (the RETRANSMIT bitmap is 128 bytes). */
export const MAX_SLICE_BLOCKS = 1024;
/** Clients per session (the REQACK ready set is 128 bytes). */
export const MAX_CLIENTS = 1024;
export const BITMAP_BYTES = 128;
/** Receivers bind the port base P; the sender P + 1. */
export const DEFAULT_PORT_BASE = 9000;

export const SIZE = {
  OK: 8,
  RETRANSMIT: 12 + BITMAP_BYTES,
  GO: 4,
  DISCONNECT: 4,
  CONNECT_REQ: 12,
  REQACK: 16 + BITMAP_BYTES,
  CONNECT_REPLY: 32,
  HELLO: 28,
} as const;
