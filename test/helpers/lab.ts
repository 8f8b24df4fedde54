/**
 * Vitest helper for tests that need the lab fleet:
 *
 *   const lab = useLab({ hosts: 3, versions: ['2.8.3', '2.10.1'] });
 *   describe.skipIf(!labSupported())('…', () => { it('…', async () => { lab.state.hosts[0].port … }) });
 *
 * `beforeAll` builds a lab in a fresh dir under /var/tmp with a unique lab id (two labs never
 * collide); `afterAll` takes it down. With `CI` set, a lab that cannot start fails the tests
 * loudly; they are never skipped there.
 */
import { mkdtempSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { labDown } from '../../src/lab/lab-down.js';
import { labUp } from '../../src/lab/lab-up.js';
import type { LabHost, LabState, LabUpOptions } from '../../src/lab/types.js';

/** True when the lab can be tried here: as root, or in CI (where a failing lab must fail, not skip). */
export function labSupported(): boolean {
  return Boolean(process.env.CI) || process.getuid?.() === 0;
}

/** A lab for the tests of one file. */
export interface LabHandle {
  /** The running lab; throws if it did not start. */
  readonly state: LabState;
  readonly dir: string;
}

/** Builds a lab before the file's tests and removes it after them. */
export function useLab(options: Omit<LabUpOptions, 'dir'> & { timeoutMs?: number } = {}): LabHandle {
  let state: LabState | null = null;
  let failure: unknown = null;
  let dir = '';
  beforeAll(async () => {
    if (!labSupported()) return;
    dir = mkdtempSync('/var/tmp/tpx-lab-test-');
    try {
      state = await labUp({ ...options, dir });
    } catch (error) {
      failure = error;
      throw new Error(`the lab did not start: ${(error as Error).message}`, { cause: error });
    }
  }, options.timeoutMs ?? 180_000);
  afterAll(async () => {
    if (dir) await labDown(dir);
  }, 60_000);
  return {
    get state(): LabState {
      if (state) return state;
      throw new Error(`the lab is not running${failure ? `: ${(failure as Error).message}` : ''}`);
    },
    get dir(): string {
      return dir;
    },
  };
}

/**
 * The real OpenSSH client's arguments to reach `host` through the bridge with the lab's key
 * and known_hosts, `options` before the destination (then the command).
 */
export function labSshArgs(state: LabState, host: LabHost, options: readonly string[] = [], user = state.user): string[] {
  return [
    '-i',
    state.identityFile,
    '-o',
    `UserKnownHostsFile=${state.knownHostsFile}`,
    '-o',
    'BatchMode=yes',
    ...options,
    '-p',
    String(host.port),
    `${user}@127.0.0.1`,
  ];
}
