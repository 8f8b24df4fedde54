import { formatBytes, parseByteSize } from '../transport/byte-size.js';
import { OUTPUT_LIMIT_VAR } from '../transport/output-capture.js';

/** Below this the note about what was left out would take most of the kept text. */
export const MIN_OUTPUT_LIMIT = 1024;

/**
 * The task's `tpx_output_limit` in bytes — a variable, so it is set per task (`vars:`), per
 * block, play, group or host, or for the whole run (`-e tpx_output_limit=16M`) — or undefined
 * when it is not set (the transport's default then applies). Throws an Error naming the
 * variable when its value is not a size of at least MIN_OUTPUT_LIMIT; the task then fails.
 */
export function readOutputLimit(vars: Readonly<Record<string, unknown>>): number | undefined {
  if (!(OUTPUT_LIMIT_VAR in vars)) return undefined;
  const value = vars[OUTPUT_LIMIT_VAR];
  const bytes = parseByteSize(value);
  if (bytes === undefined || bytes < MIN_OUTPUT_LIMIT) {
    const shown = typeof value === 'string' || typeof value === 'number' ? JSON.stringify(value) : 'a value that is not a size';
    throw new Error(
      `${OUTPUT_LIMIT_VAR}: got ${shown}; expected a size of at least ${formatBytes(MIN_OUTPUT_LIMIT)}, in bytes or with a unit (e.g. 1048576, 512k, 16M)`,
    );
  }
  return bytes;
}
