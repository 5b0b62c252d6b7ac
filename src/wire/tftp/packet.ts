/**
 * TFTP packet types (RFC 1350 §5, RFC 2347 OACK). Pure data: no I/O, no logging.
 * Strings are carried as latin1 so any byte a client sends survives decode → encode.
 */
export const Opcode = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

/** RFC 1350 Appendix error codes, plus RFC 2347's 8 (option negotiation refused). */
export const TftpErrorCode = {
  NOT_DEFINED: 0,
  FILE_NOT_FOUND: 1,
  ACCESS_VIOLATION: 2,
  DISK_FULL: 3,
  ILLEGAL_OPERATION: 4,
  UNKNOWN_TID: 5,
  FILE_EXISTS: 6,
  NO_SUCH_USER: 7,
  OPTION_REFUSED: 8,
} as const;
export type TftpErrorCodeValue = (typeof TftpErrorCode)[keyof typeof TftpErrorCode];

/** Option name/value pairs in the order and case the peer sent them (RFC 2347). */
export type TftpOptions = ReadonlyArray<readonly [name: string, value: string]>;

export interface RequestPacket {
  op: 'rrq' | 'wrq';
  filename: string;
  mode: string;
  options: TftpOptions;
}
export interface DataPacket {
  op: 'data';
  block: number; // 0–65535, rolls over (RFC 1350 has no rule; see docs/tftp.md)
  data: Uint8Array;
}
export interface AckPacket {
  op: 'ack';
  block: number;
}
export interface ErrorPacket {
  op: 'error';
  code: number;
  message: string;
}
export interface OackPacket {
  op: 'oack';
  options: TftpOptions;
}
export type TftpPacket = RequestPacket | DataPacket | AckPacket | ErrorPacket | OackPacket;

/** RFC 2348: the largest blksize, so a DATA packet fits a 65535-byte IPv4 UDP datagram. */
export const MAX_BLKSIZE = 65464;
export const MIN_BLKSIZE = 8;
export const DEFAULT_BLKSIZE = 512;
/** DATA header: opcode (2) + block (2). */
export const DATA_HEADER = 4;
