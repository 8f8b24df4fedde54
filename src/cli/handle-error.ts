import { formatProblem, InputError } from '../errors/input-error.js';
import { secretMasker } from '../errors/mask-secrets.js';
import { ExitCode, TpxError } from '../errors/tpx-error.js';
import { writeDebugLog } from './debug-log.js';

/**
 * Prints an error and returns the exit code. Known errors are one clear line (input
 * errors also show the source line and a caret); an unexpected one writes its stack
 * to a private debug log (debug-log.ts; `env` says where) and asks for a bug report.
 */
export function handleError(
  error: unknown,
  write: (s: string) => void = (s) => process.stderr.write(s),
  env: Readonly<Record<string, string | undefined>> = process.env,
): number {
  if (error instanceof InputError) {
    write(error.problems.map((p) => secretMasker.mask(formatProblem(p))).join('\n\n') + '\n');
    const n = error.problems.length;
    write(`${n} error${n === 1 ? '' : 's'} found; nothing was run.\n`);
    return error.exitCode;
  }
  if (error instanceof TpxError) {
    write(`tpx: ${secretMasker.mask(error.message)}\n`);
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const msg = error instanceof Error ? error.message : String(error);
  let where: string;
  try {
    where = `details in ${writeDebugLog(`${new Date().toISOString()} ${secretMasker.mask(detail)}\n`, { env })}`;
  } catch (logError) {
    // Say why, but never fall back to printing the stack: it may name what the log would have kept private.
    where = `the details could not be saved: ${logError instanceof Error ? logError.message : String(logError)}`;
  }
  write(`tpx: internal error: ${secretMasker.mask(msg)}\n  (${secretMasker.mask(where)}; please report this as a bug)\n`);
  return ExitCode.internal;
}
