/** DHCP message types (RFC 2132 §9.6, option 53). */
export const MessageType = {
  DISCOVER: 1,
  OFFER: 2,
  REQUEST: 3,
  DECLINE: 4,
  ACK: 5,
  NAK: 6,
  RELEASE: 7,
  INFORM: 8,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

const TYPE_NAMES = new Map<number, string>(Object.entries(MessageType).map(([k, v]) => [v, k.toLowerCase()]));

export const messageTypeName = (t: number | undefined): string => (t === undefined ? undefined : TYPE_NAMES.get(t)) ?? `type${t ?? '?'}`;

/** Option codes used by rackboot (RFC 2132, 3046, 4578, 5071). Others pass through as raw bytes. */
export const Opt = {
  PAD: 0,
  SUBNET_MASK: 1,
  ROUTER: 3,
  DNS: 6,
  HOSTNAME: 12,
  DOMAIN_NAME: 15,
  ROOT_PATH: 17,
  BROADCAST: 28,
  VENDOR_SPECIFIC: 43,
  REQUESTED_IP: 50,
  LEASE_TIME: 51,
  OVERLOAD: 52,
  MESSAGE_TYPE: 53,
  SERVER_ID: 54,
  PARAMETER_LIST: 55,
  MESSAGE: 56,
  MAX_MESSAGE_SIZE: 57,
  RENEWAL_T1: 58,
  REBINDING_T2: 59,
  VENDOR_CLASS: 60,
  CLIENT_ID: 61,
  TFTP_SERVER_NAME: 66,
  BOOTFILE_NAME: 67,
  USER_CLASS: 77,
  RELAY_AGENT_INFO: 82,
  CLIENT_ARCH: 93,
  CLIENT_NDI: 94,
  CLIENT_UUID: 97,
  PXELINUX_MAGIC: 208,
  PXELINUX_CONFIGFILE: 209,
  PXELINUX_PATHPREFIX: 210,
  PXELINUX_REBOOTTIME: 211,
  END: 255,
} as const;

/** Fixed-header sizes (RFC 2131 §2, figure 1). */
export const HEADER_LEN = 236;
export const MAGIC_COOKIE = 0x63825363;
/** RFC 951/1542: BOOTP relays and old clients drop replies shorter than this. */
export const BOOTP_MIN_LEN = 300;
/** RFC 2131 §2: every client accepts a 576-byte IP datagram, i.e. 548 bytes of DHCP. */
export const DEFAULT_MAX_LEN = 576 - 28;
export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;
export const FLAG_BROADCAST = 0x8000;
