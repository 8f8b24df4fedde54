import { randomBytes } from 'node:crypto';
import { UsageError } from '../errors/tpx-error.js';

/** The magic variable that holds the run's id. */
export const RUN_ID_VAR = 'tpx_run_id';

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * A new run id: the UTC start time to the second and 6 random hex digits,
 * `20261126T074512Z-3fa9c1` — sortable, unique enough per fleet, safe in file names.
 */
export function createRunId(now: Date = new Date(), random: () => Buffer = () => randomBytes(3)): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${stamp}-${random().toString('hex').slice(0, 6)}`;
}

/**
 * The id of this run: `-e tpx_run_id=…` (to resume a run, e.g. re-attach to host-side work
 * it started), else `given`, else a new one. One id for every host of the run. An `-e` value
 * must be safe in a file name (letters, digits, `.`, `_`, `-`; at most 128; not starting
 * with `.` or `-`): a UsageError (exit 5) otherwise.
 */
export function resolveRunId(extraVars: Readonly<Record<string, unknown>>, given?: string): string {
  const value = extraVars[RUN_ID_VAR];
  if (value === undefined) return given ?? createRunId();
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !SAFE.test(text)) {
    throw new UsageError(
      `-e ${RUN_ID_VAR}: ${JSON.stringify(value)} is not a usable run id (letters, digits, ".", "_" and "-", starting with a letter or digit, at most 128)`,
    );
  }
  return text;
}
