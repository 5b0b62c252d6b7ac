// rackboot's node initrd (stage 1): the builder and what the CLI, the image builder and the lab use.
export { assembleNodeInitrd, buildNodeInitrd, KERNEL_FILE, MODULE_LIST, type NodeInitrd, type NodeInitrdOptions } from './build.js';
export { kernelVersions, moduleLoadOrder, NIC_MODULES, readModule, resolveModules, ROOT_MODULES, type ModuleFile } from './modules.js';
export { findStaticBusybox, findUdpReceiver } from './programs.js';
export { pickImageKernel, squashfsKernels, withImageModules, type ImageKernel } from './squashfs.js';
export { writeNodeInitrd, writeNodeInitrdForTree, type WrittenInitrd } from './write.js';
