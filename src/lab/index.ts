/**
 * The lab fleet: what tests and later code call.
 *
 * - Each host is a network namespace `tpxlab-<labId>-<n>` on a bridge in `tpxlab-<labId>-sw`
 *   (10.123.x.y/16 and fd00:7470::N/64; nothing is added to the root namespace) plus a mount
 *   namespace that lays per-host overlays over /etc, /opt, /var/lib and /home, binds its own
 *   /tmp and mounts a tmpfs /run. The lab users (`tpx`: key, passwordless sudo; `tpxpw`: sudo
 *   with `state.password`; `kuma-dp` uid 5678 when missing) exist only in the lab's /etc layer,
 *   so the machine's /etc/passwd and /etc/sudoers.d never change.
 * - SSH: the bridge listens on 127.0.0.1:<host.port> and starts `sshd -i` in the host's
 *   namespaces per connection; each host's `sshd -D` also listens on its lab addresses, port 22
 *   (jump hosts). Hosts seeded with Kuma redirect TCP to Envoy's ports, as a real host without
 *   kuma-dp does: use `none` hosts as jump hosts and jump targets.
 * - Faults: `setLabFault(dir, host, fault)` for connections; for kumactl, a file
 *   `/var/lib/tpx/lab-faults/install` on the host containing `fail`, `fail-after-cleanup` or
 *   `hang` (add ` persist` to keep it after it fires); see kumactl/lab-fault.ts.
 */
export { labUp } from './lab-up.js';
export { labDown, type LabDownResult } from './lab-down.js';
export { labStatus, sshBanner, type LabHostStatus } from './lab-status.js';
export { readLabState } from './state.js';
export { hostExec, findHost } from './host-namespace.js';
export { setLabFault } from './faults.js';
export { buildKumaPackage, labStandInScript, standInWrapper } from './kumactl-files.js';
export { FOREIGN_RULES, FOREIGN_SAVED_LINES, seedInstallCommand } from './seed-rules.js';
export { INSTALL_FAULT_FILE } from './kumactl/lab-fault.js';
export { LabError } from './prerequisites.js';
export type { LabFault, LabHost, LabState, LabUpOptions } from './types.js';
