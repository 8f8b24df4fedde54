import type { HostIo } from './host-io.js';

/**
 * The stand-in's fault hook for tests: a file `/var/lib/tpx/lab-faults/install` on the host.
 * Its first word says what the next install does:
 * - `fail`: fails before changing anything (`Error: lab fault: install failed`, exit 1);
 * - `fail-after-cleanup`: 2.9+ cleans up the old rules, then fails (2.7/2.8: like `fail`);
 * - `hang`: never finishes (until killed);
 * - `slow N`: works normally but waits N seconds half-way (2.9+: after its cleanup, before it
 *   applies the new rules; 2.7/2.8: before it applies), so a fault can land inside the install.
 * The file is removed when it fires, unless its last word is `persist`.
 */
export const INSTALL_FAULT_FILE = '/var/lib/tpx/lab-faults/install';

export type InstallFault = 'fail' | 'fail-after-cleanup' | 'hang' | { readonly slowSeconds: number } | null;

/** Reads (and, unless persistent, consumes) the install fault. */
export async function takeInstallFault(io: HostIo): Promise<InstallFault> {
  const text = await io.readFile(INSTALL_FAULT_FILE);
  if (text === null) return null;
  const words = text.trim().split(/\s+/);
  const kind = words[0];
  if (words[words.length - 1] !== 'persist') await io.remove(INSTALL_FAULT_FILE);
  if (kind === 'slow') {
    const seconds = Number(words[1]);
    return Number.isFinite(seconds) && seconds > 0 ? { slowSeconds: seconds } : null;
  }
  return kind === 'fail' || kind === 'fail-after-cleanup' || kind === 'hang' ? kind : null;
}

/** The pause of a `slow N` fault (none for the others). */
export async function playSlowness(fault: InstallFault): Promise<void> {
  if (fault !== null && typeof fault === 'object') await new Promise((resolve) => setTimeout(resolve, fault.slowSeconds * 1000));
}

/** Plays a fault: `hang` never resolves; the others throw. */
export async function playFault(fault: 'fail' | 'hang'): Promise<never> {
  if (fault === 'hang') {
    await new Promise(() => setInterval(() => undefined, 60_000));
  }
  throw new Error('lab fault: install failed');
}
