import { UsageError } from '../errors/tpx-error.js';

/** How one host starts: a Kuma version (optionally installed with comments disabled) or no Kuma. */
export interface HostSeed {
  /** As written: `2.9.2`, `2.9.2-nocomments`, `none`. */
  readonly spec: string;
  readonly version: string | null;
  readonly commentsDisabled: boolean;
}

const SEED = /^(\d+\.\d+\.\d+)(-nocomments)?$/;

/**
 * Parses the `--versions` list: `X.Y.Z` installs that version's rules, `X.Y.Z-nocomments`
 * installs 2.9+ with `--disable-comments`, `none` leaves the host without Kuma.
 */
export function parseSeeds(specs: readonly string[]): HostSeed[] {
  if (specs.length === 0) throw new UsageError('--versions: give at least one version');
  return specs.map((raw) => {
    const spec = raw.trim();
    if (spec === 'none') return { spec, version: null, commentsDisabled: false };
    const m = SEED.exec(spec);
    if (!m) throw new UsageError(`--versions: "${spec}" is not a version like 2.9.2, 2.9.2-nocomments or none`);
    if (m[2] && compareMinor(m[1], 2, 9) < 0) {
      throw new UsageError(`--versions: "${spec}": comments can only be disabled from 2.9 on (before 2.9 Kuma never adds them)`);
    }
    return { spec, version: m[1], commentsDisabled: Boolean(m[2]) };
  });
}

/** Compares `X.Y.Z`'s major.minor with the given pair: negative, zero or positive. */
export function compareMinor(version: string, major: number, minor: number): number {
  const [a, b] = version.split('.').map(Number);
  return a !== major ? a - major : b - minor;
}

/** Inventory group of a seed: `kuma_2_9`, `kuma_none`. */
export function seedGroup(seed: HostSeed): string {
  if (seed.version === null) return 'kuma_none';
  const [major, minor] = seed.version.split('.');
  return `kuma_${major}_${minor}`;
}
