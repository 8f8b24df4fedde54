/** The lab fleet: what tests and later code call. */
export { labUp } from './lab-up.js';
export { labDown, type LabDownResult } from './lab-down.js';
export { labStatus, sshBanner, type LabHostStatus } from './lab-status.js';
export { readLabState } from './state.js';
export { hostExec, findHost } from './host-namespace.js';
export { setLabFault } from './faults.js';
export { buildKumaPackage, standInWrapper } from './kumactl-files.js';
export { FOREIGN_RULES, FOREIGN_SAVED_LINES, seedInstallCommand } from './seed-rules.js';
export { INSTALL_FAULT_FILE } from './kumactl/lab-fault.js';
export { LabError } from './prerequisites.js';
export type { LabFault, LabHost, LabState, LabUpOptions } from './types.js';
