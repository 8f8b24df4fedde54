import type { HostIo } from './host-io.js';

/**
 * The stand-in's fault hook for tests: a file `/var/lib/tpx/lab-faults/install` on the host.
 * Its first word says what the next install does:
 * - `fail`: fails before changing anything (`Error: lab fault: install failed`, exit 1);
 * - `fail-after-cleanup`: 2.9+ cleans up the old rules, then fails (2.7/2.8: like `fail`);
 * - `hang`: never finishes (until killed).
 * The file is removed when it fires, unless its second word is `persist`.
 */
export const INSTALL_FAULT_FILE = '/var/lib/tpx/lab-faults/install';

export type InstallFault = 'fail' | 'fail-after-cleanup' | 'hang' | null;

/** Reads (and, unless persistent, consumes) the install fault. */
export async function takeInstallFault(io: HostIo): Promise<InstallFault> {
  const text = await io.readFile(INSTALL_FAULT_FILE);
  if (text === null) return null;
  const [kind, persist] = text.trim().split(/\s+/);
  if (persist !== 'persist') await io.remove(INSTALL_FAULT_FILE);
  return kind === 'fail' || kind === 'fail-after-cleanup' || kind === 'hang' ? kind : null;
}

/** Plays a fault: `hang` never resolves; the others throw. */
export async function playFault(fault: 'fail' | 'hang'): Promise<never> {
  if (fault === 'hang') {
    await new Promise(() => setInterval(() => undefined, 60_000));
  }
  throw new Error('lab fault: install failed');
}
