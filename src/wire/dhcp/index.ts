/** Pure DHCPv4 codec: no I/O, no logging. Decoders return a value or throw DecodeError. */
export * from './codes.js';
export * from './options.js';
export * from './packet.js';
export * from './ip.js';
export * from './accessors.js';
export * from './pxe.js';
export { renderPacket, renderOption } from './render.js';
