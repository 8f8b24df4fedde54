import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem, InputError } from '../errors/input-error.js';
import { secretMasker } from '../errors/mask-secrets.js';
import { ExitCode, TpxError } from '../errors/tpx-error.js';

/**
 * Prints an error and returns the exit code. Known errors are one clear line (input
 * errors also show the source line and a caret); an unexpected one writes its stack
 * to a debug log and asks for a bug report.
 */
export function handleError(error: unknown, write: (s: string) => void = (s) => process.stderr.write(s)): number {
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
  const log = join(tmpdir(), `tpx-debug-${process.pid}.log`);
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  try {
    appendFileSync(log, `${new Date().toISOString()} ${secretMasker.mask(detail)}\n`, { mode: 0o600 });
  } catch {
    // The debug log is best-effort; the one-line message below still tells the user.
  }
  const msg = error instanceof Error ? error.message : String(error);
  write(`tpx: internal error: ${secretMasker.mask(msg)}\n  (details in ${log}; please report this as a bug)\n`);
  return ExitCode.internal;
}
