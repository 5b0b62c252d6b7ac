// Moved to the product: the node initrd builder copies udp-receiver with its libraries too.
export { dynamicProgramEntries, parseLdd, sharedLibraries, type SharedLibrary } from '../../src/node/initrd/dynlibs.js';
