export * from './constants.js';
export * from './bitmap.js';
export * from './messages.js';
export { decode } from './decode.js';
